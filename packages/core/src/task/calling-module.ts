import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The module (a file URL) of the code that called `fn`: where a task was defined, so a pool child can
 * import the same module to find it. Undefined when the caller has no file (a REPL, `eval`).
 */
// biome-ignore lint/complexity/noBannedTypes: any function can mark where the stack starts
export function callingModule(fn: Function): string | undefined {
  const original = Error.prepareStackTrace;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    // Structured call sites rather than parsing text: file names may contain anything.
    Error.prepareStackTrace = (_, callSites) => callSites;
    Error.captureStackTrace(holder, fn);
    const file = holder.stack?.[0]?.getFileName();
    if (!file) return undefined;
    if (file.startsWith('file:')) return file;
    return isAbsolute(file) ? pathToFileURL(file).href : undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The code a pool thread starts with (`new Worker(code, { eval: true })`): it imports the child's entry
 * (`entry`), through the loader the worker runs with. Threads run `execArgv`'s `--import` preloads
 * themselves, with one exception handled here: tsx's preload leaves an eval'd thread without its hooks
 * (Node 20, 22 and 24 alike, measured), so a thread could not load TypeScript. tsx's own API registers
 * them in the thread instead.
 */
export function threadBootstrap(entry: URL, execArgv: readonly string[]): string {
  const tsxApi = preloads(execArgv).some(isTsx) ? tsxEsmApi() : undefined;
  const load = `import(${JSON.stringify(entry.href)})`;
  return tsxApi ? `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return ${load}; })` : load;
}

/** The modules given to `--import`. */
function preloads(execArgv: readonly string[]): string[] {
  const found: string[] = [];
  execArgv.forEach((arg, i) => {
    if (arg === '--import' && execArgv[i + 1]) found.push(execArgv[i + 1] as string);
    else if (arg.startsWith('--import=')) found.push(arg.slice('--import='.length));
  });
  return found;
}

function isTsx(specifier: string): boolean {
  return specifier === 'tsx' || specifier.startsWith('tsx/') || /[/\\]tsx[/\\]/.test(specifier);
}

/** tsx's ESM API (a file URL), resolved as `--import tsx` was: from the current directory. */
function tsxEsmApi(): string | undefined {
  try {
    const manifest = createRequire(join(process.cwd(), 'noop.js')).resolve('tsx/package.json');
    const target = JSON.parse(readFileSync(manifest, 'utf8')).exports?.['./esm/api']?.import?.default;
    const file = typeof target === 'string' ? join(dirname(manifest), target) : undefined;
    return file && existsSync(file) ? pathToFileURL(file).href : undefined;
  } catch {
    // No tsx here after all: the thread starts without it and reports what it could not load.
    return undefined;
  }
}

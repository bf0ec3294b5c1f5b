import { readFile } from 'node:fs/promises';

/** A file's bytes, or undefined when it does not exist (a history or log not written yet); other errors throw. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

import { fileURLToPath } from 'node:url';
import { readIfExists } from '../read-if-exists.js';

/** The built front-end (`pnpm --filter @tq/dashboard build`): the same place from src/ and from dist/. */
export const assetsDir = fileURLToPath(new URL('../../assets/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** A built front-end file by its bare name (`index.html`, `app.js`); undefined for anything else, so no path leaves the folder. */
export async function staticFile(name: string): Promise<{ body: Buffer; type: string } | undefined> {
  if (!/^[\w-]+(\.[\w-]+)+$/.test(name)) return undefined;
  const type = TYPES[name.slice(name.lastIndexOf('.'))];
  if (!type) return undefined;
  const body = await readIfExists(`${assetsDir}${name}`);
  return body && { body, type };
}

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from '@tq/core';

/**
 * Import the user's module and find its app: the export named `app`, the default export, or the
 * only export that looks like an app. The path is relative to the current directory.
 */
export async function loadApp(modulePath: string): Promise<App> {
  const url = pathToFileURL(resolve(process.cwd(), modulePath)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (cause) {
    const hint = modulePath.endsWith('.ts')
      ? ' A .ts module needs a TypeScript loader: run `node --import tsx node_modules/.bin/tq ...`, or compile it first.'
      : '';
    throw new Error(`Could not load the app module '${modulePath}': ${(cause as Error).message}.${hint}`, { cause });
  }
  const candidates = [module.app, module.default, ...Object.values(module)].filter(isApp);
  const app = candidates[0];
  if (!app) {
    throw new Error(`'${modulePath}' exports no tq app. Export it: export const app = createApp({ broker: 'memory://' });`);
  }
  return app;
}

function isApp(value: unknown): value is App {
  return (
    typeof value === 'object' && value !== null && typeof (value as App).worker === 'function' && typeof (value as App).task === 'function'
  );
}

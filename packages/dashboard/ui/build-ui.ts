import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ui = fileURLToPath(new URL('.', import.meta.url));
/** Where the server serves from (src/server/static-files.ts reads the same folder). */
export const uiOutDir = fileURLToPath(new URL('../assets/', import.meta.url));

/**
 * Build the front-end into `assets/` at build time (ADR 33): one minified `app.js` and `app.css`
 * (Preact, uPlot and our code; nothing fetched from a CDN at run time) and `index.html`.
 */
export async function buildUi(): Promise<void> {
  await mkdir(uiOutDir, { recursive: true });
  await build({
    entryPoints: { app: `${ui}app.tsx` },
    outdir: uiOutDir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
  });
  await copyFile(`${ui}index.html`, `${uiOutDir}index.html`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildUi();

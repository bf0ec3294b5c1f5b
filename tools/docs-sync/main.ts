/**
 * `pnpm docs:sync`: rewrites the generated regions of README.md and docs/ — the transport matrix and
 * capability tables from what the transports declare, code blocks from the tests they quote.
 * tools/test/docs-sync.test.ts fails while any region differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syncDocs } from './sync.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const files = syncDocs(root);
for (const file of files) {
  if (file.current === file.expected) continue;
  writeFileSync(`${root}/${file.path}`, file.expected);
  console.log(`updated ${file.path}`);
}
console.log(`docs:sync: ${files.length} files with generated regions checked`);

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syncDocs } from '../docs-sync/sync.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const files = syncDocs(root);

// The README matrix and the transport pages' capability tables are read from the transports'
// declared capabilities, and the guide's code from the test that runs it: a difference means the
// code moved on. Regenerate them, then review the diff.
describe('generated docs match the code', () => {
  it('finds the generated regions', () => {
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['README.md', 'docs/transports/redis.md', 'docs/writing-a-transport.md']),
    );
  });

  it.each(files.map((file) => [file.path, file] as const))('%s', (path, file) => {
    expect(file.current, `${path} is out of date: run \`pnpm docs:sync\` (npx --yes pnpm@10.34.8 docs:sync)`).toBe(file.expected);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSamples } from '../doc-samples/check-samples.js';
import { samplesOf } from '../doc-samples/samples-of.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guide = readdirSync(`${root}/docs/guide`)
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/guide/${name}`);
const docs = ['README.md', ...guide];

// The README and the user guide show code a user copies: each ```ts block must compile against the
// packages as they are (rules in doc-samples/samples-of.ts). A failure names the markdown line.
describe('code samples in the README and docs/guide compile', () => {
  it('checks every ```ts block of every page', { timeout: 120_000 }, () => {
    const samples = docs.flatMap((doc) => samplesOf(doc, readFileSync(`${root}/${doc}`, 'utf8')));
    expect(samples.filter((sample) => sample.doc === 'README.md').length).toBeGreaterThan(0);
    expect(checkSamples(root, samples)).toEqual([]);
  });

  it('names the page, line and column of a broken sample, and lets a page import its own app module', { timeout: 120_000 }, () => {
    const page = [
      '# A page',
      '',
      '```ts',
      '// app.ts',
      "import { createApp } from '@tq/core';",
      "export const app = createApp({ broker: 'memory://' });",
      "export const add = app.task('add', async (x: number, y: number) => x + y);",
      '```',
      '',
      '- in a list:',
      '',
      '  ```ts',
      "  import { add } from './app.js';",
      "  await add.delay('2', 3);",
      '  ```',
      '',
      '```ts fragment',
      'this is not TypeScript',
      '```',
    ].join('\n');
    const problems = checkSamples(root, samplesOf('docs/guide/broken.md', page));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^docs\/guide\/broken\.md:14:19 TS2345: Argument of type 'string' is not assignable/);
  });

  it('refuses two modules of the same name on one page', { timeout: 120_000 }, () => {
    const block = ['```typescript', '// app.ts', 'export const one = 1;', '```'].join('\n');
    const samples = samplesOf('docs/guide/twice.md', `${block}\n\n${block}\n`);
    expect(checkSamples(root, samples)).toEqual(['docs/guide/twice.md:7:1 two blocks are app.ts (the other at line 2)']);
  });
});

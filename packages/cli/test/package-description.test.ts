import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { program } from '../src/program.js';

// npm shows the description before anyone installs: it names the commands that exist, no more, no fewer.
describe('the package description', () => {
  it('lists exactly the commands of `tq`', () => {
    const { description } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { description: string };
    const listed = description
      .replace(/^[^:]*:/, '')
      .split(',')
      .map((name) => name.trim());
    expect(listed).toEqual(program().commands.map((command) => command.name()));
  });
});

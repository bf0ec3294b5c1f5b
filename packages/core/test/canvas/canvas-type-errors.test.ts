import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const index = join(import.meta.dirname, '../../src/index.js');

/** Type-check `body` (with tasks add, shout and sum defined) as a user's file would be, and return each error's full text. */
function diagnosticsOf(body: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tq-canvas-types-'));
  // .mts: an ES module whatever package.json is near it.
  const file = join(dir, 'user.mts');
  writeFileSync(
    file,
    `import { chain, chord, createApp } from '${index}';
const app = createApp({ broker: 'memory://' });
const add = app.task('add', async (x: number, y: number) => x + y);
const shout = app.task('shout', (text: string) => text.toUpperCase());
const sum = app.task('sum', async (xs: number[]) => xs.reduce((a, b) => a + b, 0));
void add; void shout; void sum; void chain; void chord;
${body}
`,
  );
  const config = ts.getParsedCommandLineOfConfigFile(
    join(import.meta.dirname, '../../tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('no tsconfig');
  const program = ts.createProgram([file], { ...config.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

// The compiler's own words, as a user sees them in the editor: a mismatched step is named with what it gets and takes.
describe('canvas type errors name the step and the mismatch', { timeout: 60_000 }, () => {
  it('a step that cannot take its input: its number, the result it gets and the parameters it takes; fitting chains compile', () => {
    const [chainOfTwo, chainOfThree, fullyBound, tooManyMissing, chordBody, ...rest] = diagnosticsOf(
      [
        'chain(add.s(2, 3), shout.s());',
        'chain(add.s(2, 3), add.s(4), shout.s());',
        'chain(add.s(2, 3), add.s(4, 5));',
        'chain(add.s(2, 3), add.s());',
        "chord([add.s(1, 1), shout.s('a')], sum.s());",
        // Fits: no error of its own (`rest` stays empty).
        "chain(add.s(2, 3), add.s(4), add.si(1, 1), shout.si('done'));",
      ].join('\n'),
    );
    expect(rest).toEqual([]);
    expect(chainOfTwo).toContain(`StepMismatch<"chain step 2: its first parameter does not accept step 1's result", number, [string]>`);
    expect(chainOfThree).toContain(`StepMismatch<"chain step 3: its first parameter does not accept step 2's result", number, [string]>`);
    expect(fullyBound).toContain(
      `StepMismatch<"chain step 2: all its arguments are bound, so step 1's result would be one too many (use .si() to ignore it)", number, []>`,
    );
    expect(tooManyMissing).toContain(
      `StepMismatch<"chain step 2: it takes more arguments than step 1's result alone (bind the rest in .s())", number, [number, number]>`,
    );
    expect(chordBody).toContain(
      `StepMismatch<"chord body: its first parameter does not accept the header's results", [number, string], [number[]]>`,
    );
    for (const text of [chainOfTwo, chainOfThree, fullyBound, tooManyMissing, chordBody]) expect(text).not.toContain("'never'");
  });
});

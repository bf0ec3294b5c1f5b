import type { Reporter, TestModule } from 'vitest/node';
import type { ChaosRow } from './chaos-row.js';

const columns: { header: string; cell: (row: ChaosRow) => string }[] = [
  { header: 'transport', cell: (r) => r.transport },
  { header: 'kill: lost', cell: (r) => show(r.lost) },
  { header: 'duplicates / bound', cell: (r) => (r.duplicates === undefined ? '-' : `${r.duplicates} / ${r.bound} (${r.kills} kills)`) },
  { header: 'restart: resume s', cell: (r) => seconds(r.restartResumeS) },
  { header: 'restart: lost', cell: (r) => show(r.restartLost) },
  { header: 'cut: resume s', cell: (r) => seconds(r.cutResumeS) },
  { header: 'cut: lost', cell: (r) => show(r.cutLost) },
  { header: 'malformed dead-lettered', cell: (r) => r.malformed ?? '-' },
  {
    header: 'RSS MB before / after',
    cell: (r) => (r.rssBeforeMb === undefined ? '-' : `${r.rssBeforeMb.toFixed(0)} / ${(r.rssAfterMb ?? 0).toFixed(0)}`),
  },
];

const show = (value: number | undefined) => (value === undefined ? '-' : String(value));
const seconds = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));

/**
 * Prints the chaos suite's figures (each test's `meta.chaos`) as one table row per transport at the
 * end of the run, after vitest's own output, so CI logs show them whether the tests passed or not.
 */
export default class ChaosReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = new Map<string, ChaosRow>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const figures = test.meta().chaos;
        if (figures) rows.set(figures.transport, { ...rows.get(figures.transport), ...figures });
      }
    }
    if (rows.size === 0) return;
    const table = [columns.map((c) => c.header), ...[...rows.values()].map((row) => columns.map((c) => c.cell(row)))];
    const widths = columns.map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)));
    const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    const out = ['', 'chaos suite:', line(table[0] as string[]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`];
    for (const cells of table.slice(1)) out.push(line(cells));
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

import type { Style, Terminal } from '../terminal.js';

/** A table cell: its text and, where colours show, its style. */
export interface Cell {
  text: string;
  style?: Style;
}

/** One column of {@link tableLines}. */
export interface Column {
  title: string;
  /** Numbers read better right-aligned. Default left. */
  align?: 'left' | 'right';
}

/**
 * A table as lines indented by two spaces, columns two spaces apart, fitted to `width`: the widest
 * columns are cut (with `…`) rather than letting a line wrap, which would break a redrawn screen.
 * Styles are applied after padding, so escape codes never count as width.
 */
export function tableLines(
  term: Terminal,
  columns: readonly Column[],
  rows: readonly (readonly (string | Cell)[])[],
  width: number,
): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map((row) => row[i]?.text.length ?? 0)));
  const last = widths.length - 1;
  // Too wide: cut the widest column, one character at a time (the last one first when it is the widest).
  for (let total = 2 + widths.reduce((sum, w) => sum + w + 2, -2); total > width; total--) {
    const widest = widths.lastIndexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 1) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const line = (row: readonly Cell[], heading: boolean) =>
    `  ${row
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        const text = cell.text.length > w ? `${cell.text.slice(0, Math.max(0, w - 1))}…` : cell.text;
        const padded = columns[i]?.align === 'right' ? text.padStart(w) : i === last ? text : text.padEnd(w);
        const style = heading ? 'dim' : cell.style;
        return style ? term.style(style, padded) : padded;
      })
      .join('  ')}`.trimEnd();
  return [
    line(
      columns.map((c) => ({ text: c.title })),
      true,
    ),
    ...cells.map((row) => line(row, false)),
  ];
}

/** Markdown pieces for the generated regions, written the way biome formats markdown (so `biome check` agrees). */

/** A table with every column padded to its widest cell (in code points, as biome counts). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((_, column) => Math.max(3, ...[header, ...rows].map((row) => length(row[column] ?? ''))));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => pad(cell, widths[column] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The cells of a table row (`| a | b |`), trimmed; escaped pipes stay inside their cell. */
export function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** A marked region: `<!-- BEGIN <name> (pnpm docs:sync) -->` … `<!-- END <name> -->`, contents excluded. */
export interface Region {
  name: string;
  body: string;
}

const REGION = /<!-- BEGIN (\S+) \(pnpm docs:sync\) -->\n([\s\S]*?)<!-- END \1 -->/g;

/** The marked regions of a markdown text, in order. */
export function regionsOf(text: string): Region[] {
  return [...text.matchAll(REGION)].map((match) => ({ name: match[1] as string, body: match[2] as string }));
}

/** The text with each region's body replaced by `render(region)`. */
export function replaceRegions(text: string, render: (region: Region) => string): string {
  return text.replace(REGION, (_, name: string, body: string) => {
    // Blank lines around the contents: a table or paragraph next to an HTML comment renders as itself.
    const rendered = render({ name, body }).replace(/^\n+|\n+$/g, '');
    return `<!-- BEGIN ${name} (pnpm docs:sync) -->\n\n${rendered}\n\n<!-- END ${name} -->`;
  });
}

/** The lines between `// #region <name>` and `// #endregion <name>` of a source file, without blank lines at either end. */
export function sourceRegion(source: string, name: string, file: string): string {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`${file} has no region '${name}' (// #region ${name} … // #endregion ${name})`);
  return lines
    .slice(start + 1, end)
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function length(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(width - length(text));
}

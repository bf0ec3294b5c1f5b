/** One ```ts block of a markdown file, as the sample checker compiles it. */
export interface Sample {
  /** The markdown file, relative to the repository root. */
  doc: string;
  /** 1-based line of the block's first code line in `doc`. */
  line: number;
  /**
   * The module the block is, inside its page's folder: `app.ts` when its first line is `// app.ts`
   * (so other blocks of the page import it as `./app.js`), else `sample-<line>.ts`.
   */
  file: string;
  /** Spaces before the fence (a block inside a list item), removed from every line of `code`. */
  indent: number;
  code: string;
}

const FENCE = /^( *)```(\S*)(.*)$/;
/** Fence languages that are TypeScript: a sample tagged `typescript` must not escape the check. */
const TYPESCRIPT = new Set(['ts', 'typescript']);
const FILE_COMMENT = /^\/\/ ([\w.-]+\.ts)\b/;

/**
 * The blocks of a markdown text that the checker compiles. The rule the docs follow: every ```ts
 * (or ```typescript) block is a whole module (it imports what it uses) and must type-check; a block
 * whose first line is `// <name>.ts` can be imported by the page's other blocks as `./<name>.js`; a
 * block opened with ```ts fragment is not compiled (keep those few, for pieces that cannot stand alone).
 */
export function samplesOf(doc: string, text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] as string).trimStart().startsWith('```')) end++;
    i = end;
    if (!TYPESCRIPT.has(open[2] ?? '') || open[3]?.trim() === 'fragment') continue;
    const indent = open[1]?.length ?? 0;
    const code = lines
      .slice(start, end)
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    const named = FILE_COMMENT.exec(code);
    samples.push({ doc, line: start + 1, file: named?.[1] ?? `sample-${start + 1}.ts`, indent, code });
  }
  return samples;
}

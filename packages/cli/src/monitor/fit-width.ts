const ESC = '\x1b';

/**
 * `line` cut to `width` visible characters (escape codes kept, not counted), so a redrawn screen
 * never wraps. A cut line ends with `…` and a style reset, so a colour cut open does not leak.
 */
export function fitWidth(line: string, width: number): string {
  const ends: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] === ESC && line[i + 1] === '[') {
      // A CSI sequence (colour, cursor) runs up to its final letter; it takes no room on screen.
      i += 2;
      while (i < line.length && !/[A-Za-z]/.test(line[i] as string)) i++;
      continue;
    }
    ends.push(i + 1);
  }
  if (ends.length <= width) return line;
  return `${line.slice(0, ends[Math.max(0, width - 2)] ?? 0)}…\x1b[0m`;
}

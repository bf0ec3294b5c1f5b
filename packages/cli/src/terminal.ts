import { styleText } from 'node:util';

/** Where a command writes: `process.stdout`, `process.stderr`, or a test's capture. */
export interface TerminalStream {
  write(chunk: string): unknown;
  /** True for a terminal (tty.WriteStream); a pipe or file has none. */
  isTTY?: boolean;
  /** Terminal width in characters (tty.WriteStream). */
  columns?: number;
  /** Terminal height in lines (tty.WriteStream). */
  rows?: number;
  /** Whether the terminal shows colours; honours NO_COLOR, FORCE_COLOR and TERM (tty.WriteStream). */
  hasColors?(): boolean;
}

/** A text style `util.styleText` knows (`bold`, `red`, `dim`...). */
export type Style = Parameters<typeof styleText>[0];

/**
 * One output stream of a command, with styles that appear only where they show: on a terminal
 * that has colours and whose user did not set NO_COLOR. Piped or redirected output stays plain
 * text, so `tq inspect stats | grep` and log files get no escape codes.
 */
export class Terminal {
  /** Whether {@link style} adds escape codes. */
  readonly color: boolean;
  /** Whether the screen may be redrawn in place (a terminal, not a pipe). */
  readonly interactive: boolean;

  constructor(private readonly stream: TerminalStream) {
    this.interactive = stream.isTTY === true;
    this.color = this.interactive && (stream.hasColors?.() ?? false);
  }

  /** Write `text` as is. */
  write(text: string): void {
    this.stream.write(text);
  }

  /** `text` in `format` when colours show, else `text` unchanged. */
  style(format: Style, text: string): string {
    // validateStream off: this class decided already, for its own stream (styleText would look at stdout).
    return this.color ? styleText(format, text, { validateStream: false }) : text;
  }

  /** Width to lay out tables in: the terminal's, or 120 when there is none (a pipe). */
  get columns(): number {
    return this.stream.columns ?? 120;
  }

  /** Height of the terminal in lines; undefined when there is none (a pipe). */
  get rows(): number | undefined {
    return this.stream.rows;
  }
}

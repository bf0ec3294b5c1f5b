import type { CliIo } from '../src/cli-io.js';
import { Terminal } from '../src/terminal.js';

/** A {@link CliIo} that keeps what a command wrote, plain (no colours: not a terminal). */
export function captureIo(): CliIo & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: new Terminal({ write: (chunk: string) => (out += chunk) }),
    err: new Terminal({ write: (chunk: string) => (err += chunk) }),
    stdout: () => out,
    stderr: () => err,
  };
}

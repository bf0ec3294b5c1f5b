import { Terminal } from './terminal.js';

/** The two streams a command function writes to, so tests can run it in-process and read them. */
export interface CliIo {
  /** Results: replies, tables, JSON. */
  out: Terminal;
  /** Diagnostics: "No nodes replied...", usage errors. */
  err: Terminal;
}

/** The process's own stdout and stderr. */
export function cliIo(): CliIo {
  return { out: new Terminal(process.stdout), err: new Terminal(process.stderr) };
}

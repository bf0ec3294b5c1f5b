/** Progress line on stderr, so it shows next to vitest's output and never mixes with `up`'s env lines on stdout. */
export function log(message: string): void {
  process.stderr.write(`[brokers] ${message}\n`);
}

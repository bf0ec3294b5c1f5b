import { type App, ClusterState } from '@tq/core';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { clusterView } from './cluster-view.js';
import { DumpLine } from './dump-line.js';
import { fitWidth } from './fit-width.js';

/** How `tq events` shows the stream. */
export interface EventsOptions {
  /** Print every event as it arrives, one line each (`celery events --dump`), instead of the live view. Default false. */
  dump?: boolean;
  /** Print each event as one JSON object per line, as received (implies `dump`). Default false. */
  json?: boolean;
  /** How often the live view redraws, in ms. Default 1000: rates and "for" times move each second. */
  refreshMs?: number;
  /** Window of the rates line, in ms. Default 10 000 (see `ClusterStateOptions.rateWindowMs`). */
  rateWindowMs?: number;
  /** Stop listening when aborted (SIGINT in the CLI; tests abort when they have seen enough). */
  signal: AbortSignal;
}

/** Terminal controls of the live view: its own screen (the shell's comes back on exit), no cursor, redraw from the top. */
const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

/**
 * `tq events`: watch the cluster's events (tq and Python Celery workers alike) until `signal`
 * aborts. The live view redraws workers, active tasks, rates and recent failures in place on a
 * terminal, and prints one plain frame per refresh when piped. With `dump`, every event is
 * printed as it arrives. Task events need workers started with `-E` (or `tq control enable_events`).
 * Resolves with the exit code.
 */
export async function runEvents(app: App, options: EventsOptions, io: CliIo): Promise<number> {
  if (options.signal.aborted) return exitCodes.ok;
  const { out } = io;
  if (options.dump || options.json) {
    const dump = new DumpLine(out);
    const stop = await app.events.subscribe((event) => out.write(options.json ? `${JSON.stringify(event)}\n` : dump.format(event)));
    await aborted(options.signal);
    await stop();
    return exitCodes.ok;
  }
  const rateWindowMs = options.rateWindowMs ?? 10_000;
  const state = new ClusterState({ rateWindowMs });
  const stop = await app.events.subscribe((event) => state.apply(event));
  const context = () => ({ where: app.describe().broker, now: Date.now(), rateWindowSeconds: rateWindowMs / 1000 });
  const draw = () => {
    const lines = clusterView(state, out, context());
    // On a terminal, a frame longer or wider than the screen would scroll it and break the redraw.
    const shown = out.rows ? lines.slice(0, out.rows - 1) : lines;
    if (out.interactive)
      out.write(`${HOME}${shown.map((line) => fitWidth(line, out.columns) + CLEAR_LINE_END).join('\n')}\n${CLEAR_BELOW}`);
    else out.write(`${lines.join('\n')}\n\n`);
  };
  if (out.interactive) out.write(ENTER);
  const timer = setInterval(draw, options.refreshMs ?? 1000);
  try {
    draw();
    await aborted(options.signal);
  } finally {
    clearInterval(timer);
    if (out.interactive) out.write(LEAVE);
    await stop();
  }
  return exitCodes.ok;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

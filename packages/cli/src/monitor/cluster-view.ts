import type { ClusterState, TaskSnapshot, WorkerSnapshot } from '@tq/core';
import type { Terminal } from '../terminal.js';
import { type Cell, tableLines } from './table-lines.js';

/** Rows of active tasks shown at most: a busy cluster must not push the rest off the screen. */
const ACTIVE_SHOWN = 10;
/** Failures shown, newest first. */
const FAILURES_SHOWN = 5;

/** What the view says about where it listens and when it drew. */
export interface ClusterViewContext {
  /** The broker, password masked. */
  where: string;
  /** The time of the frame, ms since the epoch. */
  now: number;
  /** The rate window of the state, in seconds, for the rates line. */
  rateWindowSeconds: number;
}

/**
 * One frame of `tq events`: workers (alive or gone), tasks running now, task rates, and the
 * latest failures, read from a {@link ClusterState}. Lines fit `term.columns`.
 */
export function clusterView(state: ClusterState, term: Terminal, context: ClusterViewContext): string[] {
  const width = term.columns;
  const workers = state.workers();
  const active = state.activeTasks();
  const failures = state.recentFailures(FAILURES_SHOWN);
  const rates = state.rates();
  const online = workers.filter((w) => w.alive).length;
  const lines = [`${term.style('bold', 'tq events')}  ${context.where}  ${clock(context.now)}`, ''];

  lines.push(heading(term, `Workers: ${online} online${workers.length > online ? `, ${workers.length - online} offline` : ''}`));
  if (workers.length === 0) lines.push('  (none heard from yet: workers announce themselves every few seconds)');
  else
    lines.push(
      ...tableLines(
        term,
        [
          { title: 'NODE' },
          { title: 'STATUS' },
          { title: 'ACTIVE', align: 'right' },
          { title: 'PROCESSED', align: 'right' },
          { title: 'LOAD' },
          { title: 'SOFTWARE' },
        ],
        workers.map((w) => workerRow(w)),
        width,
      ),
    );

  lines.push('', heading(term, `Active tasks: ${active.length}`));
  if (active.length > 0) {
    lines.push(
      ...tableLines(
        term,
        [{ title: 'STATE' }, { title: 'FOR', align: 'right' }, { title: 'WORKER' }, { title: 'ID' }, { title: 'TASK' }],
        active.slice(0, ACTIVE_SHOWN).map((t) => taskRow(t, context.now)),
        width,
      ),
    );
    if (active.length > ACTIVE_SHOWN) lines.push(`  … and ${active.length - ACTIVE_SHOWN} more`);
  }

  const rate = (n: number) => `${n.toFixed(1)}/s`;
  lines.push(
    '',
    `${heading(term, `Rates (last ${context.rateWindowSeconds} s):`)} received ${rate(rates.received)}  ` +
      `succeeded ${term.style('green', rate(rates.succeeded))}  failed ${rates.failed > 0 ? term.style('red', rate(rates.failed)) : rate(rates.failed)}  ` +
      `retried ${rate(rates.retried)}`,
  );

  lines.push('', heading(term, 'Recent failures:'));
  if (failures.length === 0) lines.push('  (none)');
  else
    lines.push(
      ...tableLines(
        term,
        [{ title: 'AT' }, { title: 'WORKER' }, { title: 'ID' }, { title: 'TASK' }, { title: 'EXCEPTION' }],
        failures.map((t) => [clock(t.updated * 1000), t.hostname ?? '?', t.uuid, t.name ?? '?', { text: t.exception ?? '', style: 'red' }]),
        width,
      ),
    );
  return lines;
}

function heading(term: Terminal, text: string): string {
  return term.style('bold', text);
}

function workerRow(w: WorkerSnapshot): Cell[] {
  return [
    { text: w.hostname, style: 'cyan' },
    w.alive ? { text: 'online', style: 'green' } : { text: 'offline', style: 'red' },
    { text: w.alive ? String(w.active) : '-' },
    { text: String(w.processed) },
    { text: w.loadavg.length ? w.loadavg.map((l) => l.toFixed(2)).join(' ') : '-' },
    { text: [w.swIdent, w.swVer].filter(Boolean).join(' ') || '-' },
  ];
}

function taskRow(t: TaskSnapshot, now: number): Cell[] {
  const since = t.started ?? t.received ?? t.updated;
  return [
    t.state === 'STARTED' ? { text: 'STARTED', style: 'yellow' } : { text: t.state, style: 'dim' },
    { text: `${Math.max(0, now / 1000 - since).toFixed(1)}s` },
    { text: t.hostname ?? '?' },
    { text: t.uuid },
    { text: `${t.name ?? '?'}${t.args !== undefined ? t.args : ''}` },
  ];
}

/** `HH:MM:SS` in local time: what someone watching compares with their clock. */
function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

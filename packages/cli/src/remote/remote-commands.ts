/** One positional argument of a remote command, as `celery inspect|control` reads it. */
export interface RemoteArgument {
  /** Its key in the request's `arguments` (Celery's name: the worker reads it). */
  name: string;
  /** Turn the command-line word into the value sent; throws with the reason when it is not one. */
  parse: (word: string) => unknown;
  /** Whether it may be left out (the worker then uses its own default). */
  optional?: boolean;
}

/** A command `tq inspect` or `tq control` sends (Celery's `Panel.meta`). */
export interface RemoteCommand {
  name: string;
  kind: 'inspect' | 'control';
  /** One line for `--help`. */
  help: string;
  /** Positional arguments, in order. */
  args: readonly RemoteArgument[];
  /** The argument that takes every remaining word as a list (`revoke <task_id...>`), and whether one is needed. */
  variadic?: { name: string; optional: boolean };
  /**
   * Sent without asking for a reply, to the nodes that answered a ping first: Python workers never
   * answer `shutdown` (they exit inside the handler), so `celery control shutdown` always reports
   * "No nodes replied"; the ping tells who got it, tq's and Celery's alike.
   */
  cast?: boolean;
}

const text = (word: string) => word;

function seconds(word: string): number {
  const n = Number(word);
  if (word.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`expected seconds (a number ≥ 0), got '${word}'`);
  return n;
}

function flag(word: string): boolean {
  const w = word.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(w)) return true;
  if (['0', 'false', 'no', 'off'].includes(w)) return false;
  throw new Error(`expected true or false, got '${word}'`);
}

function count(word: string): number {
  const n = Number(word);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive whole number, got '${word}'`);
  return n;
}

const none: readonly RemoteArgument[] = [];

/**
 * The commands `tq inspect` and `tq control` know: Celery's names and argument names, so the same
 * command line works against tq and Python Celery workers. A command that is not here is refused
 * before anything is sent (Celery does the same).
 */
export const remoteCommands: readonly RemoteCommand[] = [
  { kind: 'inspect', name: 'active', help: 'tasks running now', args: [{ name: 'safe', parse: flag, optional: true }] },
  { kind: 'inspect', name: 'active_queues', help: 'queues each worker consumes', args: none },
  { kind: 'inspect', name: 'clock', help: "each worker's Lamport clock", args: none },
  { kind: 'inspect', name: 'conf', help: "each worker's configuration", args: [{ name: 'with_defaults', parse: flag, optional: true }] },
  { kind: 'inspect', name: 'ping', help: 'ping the workers', args: none },
  {
    kind: 'inspect',
    name: 'query_task',
    help: 'what the workers know of these task ids',
    args: none,
    variadic: { name: 'ids', optional: false },
  },
  {
    kind: 'inspect',
    name: 'registered',
    help: 'task names each worker can run',
    args: none,
    variadic: { name: 'taskinfoitems', optional: true },
  },
  { kind: 'inspect', name: 'report', help: 'a short report of each worker', args: none },
  { kind: 'inspect', name: 'reserved', help: 'tasks received and waiting to run', args: none },
  { kind: 'inspect', name: 'revoked', help: 'task ids each worker holds as revoked', args: none },
  { kind: 'inspect', name: 'scheduled', help: 'tasks waiting for their ETA or countdown', args: none },
  { kind: 'inspect', name: 'stats', help: 'statistics of each worker', args: none },
  { kind: 'control', name: 'add_consumer', help: 'start consuming a queue', args: addConsumerArgs() },
  { kind: 'control', name: 'cancel_consumer', help: 'stop consuming a queue', args: [{ name: 'queue', parse: text }] },
  { kind: 'control', name: 'disable_events', help: 'stop sending task events', args: none },
  { kind: 'control', name: 'enable_events', help: 'send task events (as `tq worker -E`)', args: none },
  { kind: 'control', name: 'heartbeat', help: 'send a worker-heartbeat event now', args: none },
  {
    kind: 'control',
    name: 'pool_grow',
    help: 'start n more pool children (default 1)',
    args: [{ name: 'n', parse: count, optional: true }],
  },
  { kind: 'control', name: 'pool_shrink', help: 'stop n pool children (default 1)', args: [{ name: 'n', parse: count, optional: true }] },
  {
    kind: 'control',
    name: 'rate_limit',
    help: "set a task's rate limit (5/s, 5/m, 5/h; 0 removes it)",
    args: [
      { name: 'task_name', parse: text },
      { name: 'rate_limit', parse: text },
    ],
  },
  {
    kind: 'control',
    name: 'revoke',
    help: 'revoke tasks (--terminate also stops running ones)',
    args: none,
    variadic: { name: 'task_id', optional: false },
  },
  {
    kind: 'control',
    name: 'shutdown',
    help: 'warm shutdown of the workers',
    args: [{ name: 'msg', parse: text, optional: true }],
    cast: true,
  },
  {
    kind: 'control',
    name: 'terminate',
    help: 'revoke tasks and stop them if running (as revoke --terminate --signal)',
    args: [{ name: 'signal', parse: text }],
    variadic: { name: 'task_id', optional: false },
  },
  {
    kind: 'control',
    name: 'time_limit',
    help: "set a task's soft and hard time limits, in seconds",
    args: [
      { name: 'task_name', parse: text },
      { name: 'soft', parse: seconds },
      { name: 'hard', parse: seconds, optional: true },
    ],
  },
];

function addConsumerArgs(): RemoteArgument[] {
  return ['queue', 'exchange', 'exchange_type', 'routing_key'].map((name, i) => ({ name, parse: text, optional: i > 0 }));
}

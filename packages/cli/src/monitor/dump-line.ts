import type { CeleryEvent } from '@tq/core';
import type { Style, Terminal } from '../terminal.js';

/** Fields the line's prefix shows already, or that the receiver added (not on the wire). */
const SHOWN = new Set(['type', 'hostname', 'timestamp', 'uuid', 'local_received']);
/** How many task names {@link DumpLine} remembers for the events that carry only an id. */
const NAMES_KEPT = 10_000;

/**
 * Formats events one line each, as `celery events --dump` does:
 * `<node> [<time>] <type>: <task>(<id>) <field>=<value>, ...`. Later task events carry only the
 * task id, so the name is remembered from `task-received`/`task-sent`. A multi-line field (a
 * traceback) follows on its own lines, indented.
 */
export class DumpLine {
  /** Task id → `name(id)`, oldest first, bounded. */
  private readonly names = new Map<string, string>();

  constructor(private readonly term: Terminal) {}

  /** One event as text, ending with a newline. */
  format(event: CeleryEvent): string {
    const { term } = this;
    const time = term.style('dim', `[${new Date(event.timestamp * 1000).toISOString()}]`);
    const type = term.style(styleOf(event.type), event.type.replace(/-/g, ' '));
    const keys = Object.keys(event)
      .filter((key) => !SHOWN.has(key))
      .sort();
    let task = '';
    if (typeof event.uuid === 'string') {
      task = this.names.get(event.uuid) ?? event.uuid;
      if (typeof event.name === 'string') {
        task = `${event.name}(${event.uuid})`;
        this.remember(event.uuid, task);
      }
      task = `${term.style('bold', task)} `;
    }
    const blocks: string[] = [];
    const fields: string[] = [];
    for (const key of keys) {
      const value = event[key];
      if (typeof value === 'string' && value.includes('\n')) blocks.push(`${key}:\n${value.trimEnd().replace(/^/gm, '    ')}`);
      else fields.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    const line = `${term.style('cyan', event.hostname)} ${time} ${type}: ${task}${fields.join(', ')}`.trimEnd();
    return `${[line, ...blocks].join('\n')}\n`;
  }

  private remember(id: string, label: string): void {
    this.names.delete(id);
    this.names.set(id, label);
    if (this.names.size > NAMES_KEPT) this.names.delete(this.names.keys().next().value as string);
  }
}

function styleOf(type: string): Style {
  if (type === 'task-succeeded' || type === 'worker-online') return 'green';
  if (type === 'task-failed' || type === 'worker-offline') return 'red';
  if (type === 'task-retried' || type === 'task-rejected') return 'yellow';
  if (type === 'task-revoked') return 'magenta';
  if (type === 'worker-heartbeat') return 'dim';
  return 'blue';
}

import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readIfExists } from '../read-if-exists.js';

/** One action taken from the dashboard. */
export interface AuditEntry {
  /** When, ISO-8601 UTC. */
  at: string;
  /** Who: the name the auth hook returned, `anonymous` without one. */
  who: string;
  /** What: `retry`, `revoke`, `terminate`. */
  action: string;
  /** The task acted on. */
  taskId: string;
  /** What came of it: the new task's id for a retry. */
  outcome?: string;
  /** The client's address. */
  from?: string;
}

/**
 * Every action taken from the dashboard (who, what, when), appended as JSON lines to a file beside
 * the history: kept apart so pruning the history never drops the record of who did what.
 */
export class AuditLog {
  constructor(readonly path: string) {}

  /** Append `entry`; resolves once it is written (the action is reported done only after). */
  async record(entry: AuditEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(entry)}\n`);
  }

  /** The latest `limit` entries, newest first. */
  async recent(limit: number): Promise<AuditEntry[]> {
    const text = (await readIfExists(this.path))?.toString('utf8') ?? '';
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    return lines
      .slice(-limit)
      .reverse()
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as AuditEntry];
        } catch {
          return [];
        }
      });
  }
}

import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@tq/core';
import { readIfExists } from '../read-if-exists.js';
import type { TaskRecord } from './task-record.js';

/**
 * The embedded store of the task history (ADR 33): one JSON line per change of a task appended to
 * a file, the last line of an id winning on load. Appends are cheap and a crash loses at most the
 * unflushed changes; {@link rewrite} compacts the file to one line per task, through a temporary
 * file renamed over it so a crash mid-way leaves the old file whole.
 */
export class HistoryFile {
  /** Lines in the file now (read or appended), to decide when to compact. */
  lines = 0;

  constructor(
    readonly path: string,
    /** Where unreadable lines and failed writes are reported. */
    readonly logger: Logger,
  ) {}

  /** Every task in the file (the latest line of each id), in the order first written. A missing file is an empty history. */
  async load(): Promise<TaskRecord[]> {
    const text = (await readIfExists(this.path))?.toString('utf8') ?? '';
    const records = new Map<string, TaskRecord>();
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      this.lines++;
      try {
        const record = JSON.parse(line) as TaskRecord;
        if (typeof record.id === 'string') records.set(record.id, record);
      } catch {
        // A crash mid-append leaves a partial last line; anything else is worth a word.
        if (index < lines.length - 1)
          this.logger.warn({ path: this.path, line: index + 1 }, 'skipped an unreadable line of the dashboard history');
      }
    }
    return [...records.values()];
  }

  /** Append the current state of `records`. */
  async append(records: readonly TaskRecord[]): Promise<void> {
    if (records.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    this.lines += records.length;
  }

  /** Replace the file with exactly `records`, one line each. */
  async rewrite(records: readonly TaskRecord[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    await rename(temporary, this.path);
    this.lines = records.length;
  }
}

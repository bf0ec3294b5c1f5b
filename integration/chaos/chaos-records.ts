import { readdirSync, readFileSync } from 'node:fs';

/** A `task-rejected` event as a chaos worker wrote it. */
export interface Rejection {
  id: string | null;
  reason: string;
}

/** What the chaos workers of one run wrote (see chaos-worker.ts), read from their files. */
export class ChaosRecords {
  /** Runs per task id. */
  readonly runs = new Map<string, number>();
  /** When each task id first finished (ms since the epoch). */
  readonly firstDoneAt = new Map<string, number>();
  /** Every run line, across all worker processes. */
  totalRuns = 0;
  readonly rejections: Rejection[] = [];
  /** Finished runs per worker pid. */
  readonly runsByPid = new Map<number, number>();

  private constructor() {}

  static read(dir: string): ChaosRecords {
    const records = new ChaosRecords();
    for (const file of readdirSync(dir)) {
      const match = /^(runs|rejected)-(\d+)$/.exec(file);
      if (!match) continue;
      // A line being written when read is cut short: only whole lines count.
      const lines = readFileSync(`${dir}/${file}`, 'utf8').split('\n').slice(0, -1);
      if (match[1] === 'rejected') {
        for (const line of lines) records.rejections.push(JSON.parse(line) as Rejection);
        continue;
      }
      records.runsByPid.set(Number(match[2]), lines.length);
      for (const line of lines) {
        const [id = '', at = '0'] = line.split(' ');
        records.runs.set(id, (records.runs.get(id) ?? 0) + 1);
        const doneAt = Number(at);
        const first = records.firstDoneAt.get(id);
        if (first === undefined || doneAt < first) records.firstDoneAt.set(id, doneAt);
        records.totalRuns++;
      }
    }
    return records;
  }

  /** Runs beyond the first, over all tasks. */
  get duplicates(): number {
    return this.totalRuns - this.runs.size;
  }

  /** The ids in `confirmed` that never ran. */
  lost(confirmed: Iterable<string>): string[] {
    return [...confirmed].filter((id) => !this.runs.has(id));
  }
}

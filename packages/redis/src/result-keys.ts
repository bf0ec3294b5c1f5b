/**
 * Names of Celery's Redis result backend keys (spec §6.1). In cluster mode the group id is wrapped
 * in a hash tag so a chord's keys (`.j`, `.s`, `.t`, `.d`, `.c`) share a slot (Celery has no cluster support, so
 * nothing reads the untagged names there).
 */
export class ResultKeys {
  /** Celery's rule: a `global_keyprefix` gets `_` unless it already ends in one of `:_-.`. */
  private readonly prefix: string;

  constructor(
    keyPrefix: string,
    private readonly cluster: boolean,
  ) {
    this.prefix = keyPrefix === '' || /[:_\-.]$/.test(keyPrefix) ? keyPrefix : `${keyPrefix}_`;
  }

  /** `celery-task-meta-<id>`; also the channel its writes are published on. */
  task(taskId: string): string {
    return `${this.prefix}celery-task-meta-${taskId}`;
  }

  /** tq's channel for the results of tasks an app sent (`reply_to`): `<taskId>\n<meta JSON>`. */
  replies(replyTo: string): string {
    return `${this.prefix}_tq.replies.${replyTo}`;
  }

  /** tq's revoked ids, scored by when each revoke expires (ms): `_tq.revoked`. */
  revoked(): string {
    return `${this.prefix}_tq.revoked`;
  }

  /**
   * tq's schedules: the entries hash and the due index (`_tq.beat.entries`, `_tq.beat.due`), one
   * hash tag so a script can write both in a cluster.
   */
  schedules(): [entries: string, due: string] {
    return [`${this.prefix}{_tq.beat}.entries`, `${this.prefix}{_tq.beat}.due`];
  }

  /** The claim of one tick of schedule `name`: `_tq.beat.claim.<name>@<tick ms>`. */
  tickClaim(name: string, tickMs: number): string {
    return `${this.prefix}_tq.beat.claim.${name}@${tickMs}`;
  }

  /** `celery-taskset-meta-<gid>`: a saved group. */
  group(groupId: string): string {
    return `${this.prefix}celery-taskset-meta-${groupId}`;
  }

  /**
   * The chord's join set `.j`, size `.s`, extra count `.t`, and Celery 5.7's recorded-parts set `.d`
   * and dispatch claim `.c` (ADR 22), in the order `add-chord-part.lua` takes them.
   */
  chord(groupId: string): [j: string, s: string, t: string, d: string, c: string] {
    const base = this.group(this.cluster ? `{${groupId}}` : groupId);
    return [`${base}.j`, `${base}.s`, `${base}.t`, `${base}.d`, `${base}.c`];
  }
}

/** Which nodes a control request is for (Celery's `destination`, `pattern`, `matcher`). */
export interface ControlTarget {
  /** Node names that should act; default: every node. When set, `pattern` is ignored (as in kombu). */
  destination?: readonly string[];
  /** A node-name pattern, e.g. `tq@web*`; default: none (every node). */
  pattern?: string;
  /**
   * How `pattern` matches: `glob` (shell wildcards, Python's `fnmatch`) or `pcre` (a regular
   * expression anchored at the start, Python's `re.match`). Default `glob` when a pattern is given
   * (kombu's default matcher; tq always sends it, since a Celery node ignores a pattern without one).
   */
  matcher?: 'glob' | 'pcre';
}

/** How a request gathers replies. */
export interface ControlRequestOptions extends ControlTarget {
  /**
   * How long to gather replies, in ms. Default 1000, Celery's 1.0 s: nodes answer within
   * milliseconds, and without a `limit` every call waits this long. Nodes ignore the request after it.
   */
  timeoutMs?: number;
  /** Stop as soon as this many replies arrived. Default: `destination.length` when a destination is given, else none. */
  limit?: number;
}

/** One node's answer. */
export interface ControlReply<R = unknown> {
  /** The node that answered (`tq@host`, `celery@host`). */
  node: string;
  /** What the command returned there; `{ error: string }` when it failed or is unknown. */
  reply: R;
}

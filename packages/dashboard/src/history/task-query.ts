/** A search of the task history (`GET api/tasks?…`). Every given criterion must hold. */
export interface TaskQuery {
  /** Task ids starting with this. */
  id?: string;
  /** Task names containing this (case-insensitive). */
  name?: string;
  /** This exact state. */
  state?: string;
  /** Text found in the args or kwargs reprs (case-insensitive): `alice@example.com`, `'order': 42`. */
  text?: string;
  /** Text found in the exception (case-insensitive): its type, `TimeLimitExceeded`, or its message. */
  exception?: string;
  /** Last changed at or after / before this UNIX time in seconds. */
  from?: number;
  to?: number;
  /** Page size. Default 50, at most 500: a page the browser renders at once. */
  limit?: number;
  /** Matches skipped, newest first. Default 0. */
  offset?: number;
}

/** One page of a search, newest first, and how many tasks matched in all. */
export interface TaskPage<T> {
  total: number;
  tasks: T[];
}

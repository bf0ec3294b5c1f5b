/**
 * Exit codes of the remote-control commands, Celery's: a script can tell "nobody answered"
 * (`tq status || page-someone`) from a typo in its own command line.
 */
export const exitCodes = {
  /** Replies arrived (even `{error}` ones: the nodes are there). */
  ok: 0,
  /** Unknown command or bad arguments (click's `UsageError`, which `celery inspect` raises). */
  usage: 2,
  /** No node replied within the timeout: `EX_UNAVAILABLE` from sysexits.h, as `celery inspect`/`status` exit. */
  unavailable: 69,
} as const;

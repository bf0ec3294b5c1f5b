/** What `tq inspect`, `tq control` and `tq status` share (Celery's "Remote Control Options"). */
export interface RemoteOptions {
  /** Only these node names act and answer; default: every node. Replies stop being awaited once all of them answered. */
  destination?: readonly string[];
  /** Only nodes whose name matches this glob (`tq@web*`); ignored when `destination` is given. */
  pattern?: string;
  /** How long to wait for replies, in ms. Default 1000 (Celery's `--timeout 1.0`). */
  timeoutMs?: number;
  /** Print JSON instead of the layout for people. Default false. */
  json?: boolean;
}

/** The request options of {@link RemoteOptions} (without undefined keys, so core's defaults apply). */
export function targetOf(options: RemoteOptions): { destination?: readonly string[]; pattern?: string; timeoutMs?: number } {
  return {
    ...(options.destination?.length ? { destination: options.destination } : {}),
    ...(options.pattern ? { pattern: options.pattern } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

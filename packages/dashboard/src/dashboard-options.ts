import type { DashboardAuth } from './server/dashboard-auth.js';

/** How a dashboard is mounted and what it keeps. */
export interface DashboardOptions {
  /** URL path it answers under, e.g. `/admin/tasks`. Default `/`. */
  basePath?: string;
  /** Hide and refuse every action (retry, revoke): a view for people who should not change anything. Default false. */
  readOnly?: boolean;
  /**
   * Who may use it (see {@link DashboardAuth}; {@link basicAuth} is built in). Default: anyone who
   * reaches the port, as Flower; bind to localhost or set this before exposing it.
   */
  auth?: DashboardAuth;
  /**
   * File of the task history (JSON lines, ADR 33). Default `.tq/dashboard/history.jsonl` under the
   * current directory: it survives restarts and is easy to find and delete.
   */
  historyPath?: string;
  /** File of the audit log. Default `audit.jsonl` beside the history. */
  auditPath?: string;
  /** Tasks kept in the history. Default 100,000. */
  maxTasks?: number;
  /** Tasks unchanged for this long leave the history. Default 7 days. */
  maxAgeMs?: number;
  /** Queues whose sizes are shown besides the app's default queue and those seen in the history. Default none. */
  queues?: readonly string[];
  /** How often unfinished tasks are checked against the result backend. Default 10 s: events missed while the dashboard was down are made good quickly, at a bounded cost. */
  reconcileIntervalMs?: number;
}

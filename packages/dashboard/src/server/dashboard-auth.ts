import type { IncomingMessage } from 'node:http';

/**
 * Who may use the dashboard: called on every request, returns the user's name (what the audit log
 * records) or undefined to refuse with 401. Plug in your own session or SSO check, or use
 * {@link basicAuth}. May be async.
 */
export interface DashboardAuth {
  (request: IncomingMessage): string | undefined | Promise<string | undefined>;
  /** The `WWW-Authenticate` challenge sent with a 401, so a browser asks for a password. Default none. */
  challenge?: string;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '@tq/core';
import { Dashboard } from './dashboard.js';
import type { DashboardOptions } from './dashboard-options.js';
import { answerApi } from './server/api-routes.js';
import { staticFile } from './server/static-files.js';

/**
 * A request handler for Node's `http` (and Express, whose `originalUrl` it honours, and anything
 * that hands over Node's request and response), with the dashboard's lifecycle on it.
 */
export interface DashboardHandler {
  /** Answer a request under the base path; others go to `next` when given, else get 404. */
  (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void;
  /** Load the history and start listening to events. Idempotent; the first request calls it too. */
  start(): Promise<void>;
  /** Stop listening and write the history. The app is the caller's: it is not closed. */
  close(): Promise<void>;
  /** The dashboard behind the handler. */
  readonly dashboard: Dashboard;
}

/**
 * The tq dashboard as a request handler, to mount in your own server:
 *
 * @example
 * const dashboard = dashboardHandler(app, { basePath: '/admin/tasks', auth: basicAuth({ admin: process.env.DASHBOARD_PASSWORD! }) });
 * await dashboard.start();
 * http.createServer(dashboard).listen(5555);          // or Express: server.use(dashboard)
 */
export function dashboardHandler(app: App, options: DashboardOptions = {}): DashboardHandler {
  const dashboard = new Dashboard(app, options);
  const base = (options.basePath ?? '/').replace(/\/+$/, '');
  let started: Promise<void> | undefined;
  const start = () => {
    // A start that failed (broker down) is tried again by the next request, not remembered.
    started ??= dashboard.start().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
  const handler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => {
    handle(request, response, next).catch((error: unknown) => {
      app.logger.error({ err: error, url: request.url }, 'dashboard: a request failed');
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: (error as Error).message }));
      else response.destroy();
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): Promise<void> {
    const url = new URL((request as { originalUrl?: string }).originalUrl ?? request.url ?? '/', 'http://dashboard');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
      if (next) next();
      else send(response, 404, 'text/plain', 'Not found');
      return;
    }
    const rest = url.pathname.slice(base.length);
    // Relative links of the page resolve against the folder: the base path needs its slash.
    if (rest === '') {
      response.writeHead(302, { location: `${base}/${url.search}` }).end();
      return;
    }
    const who = options.auth ? await options.auth(request) : 'anonymous';
    if (who === undefined) {
      const challenge = options.auth?.challenge;
      response
        .writeHead(401, { 'content-type': 'text/plain', ...(challenge ? { 'www-authenticate': challenge } : {}) })
        .end('Unauthorized');
      return;
    }
    await start();
    if (rest.startsWith('/api/')) {
      // A cross-site form cannot set a custom header, so an action needs one (CSRF protection).
      if (request.method !== 'GET' && request.headers['x-tq-dashboard'] !== '1') {
        send(response, 403, 'application/json', JSON.stringify({ error: 'Actions need the header x-tq-dashboard: 1.' }));
        return;
      }
      const answer = await answerApi(dashboard, {
        method: request.method ?? 'GET',
        path: rest.slice('/api/'.length),
        query: url.searchParams,
        actor: { who, from: request.socket.remoteAddress },
      });
      send(response, answer.status, 'application/json', JSON.stringify(answer.body));
      return;
    }
    const file = await staticFile(rest === '/' ? 'index.html' : rest.slice(1));
    if (file) send(response, 200, file.type, file.body);
    else if (rest === '/')
      send(response, 500, 'text/plain', 'The dashboard front-end is not built: run `pnpm --filter @tq/dashboard build`.');
    else send(response, 404, 'text/plain', 'Not found');
  }

  return Object.assign(handler, { start, close: () => dashboard.close(), dashboard });
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response
    .writeHead(status, {
      'content-type': type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      // Everything comes from here: no CDN, no inline script; and no framing (clickjacking of the actions).
      'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    })
    .end(body);
}

import { ActionRefusedError } from '../actions/action-refused-error.js';
import type { Actor } from '../actions/task-actions.js';
import type { Dashboard } from '../dashboard.js';
import type { TaskQuery } from '../history/task-query.js';

/** One call of the JSON API, its path relative to `api/`. */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  actor: Actor;
}

/** The HTTP status and JSON body of an answer. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The throughput chart: the last 10 minutes in 5 s slices, enough to see a burst and a trend. */
const CHART_WINDOW_SECONDS = 600;
const CHART_STEP_SECONDS = 5;
const AUDIT_SHOWN = 100;

/** Answer one call of the dashboard's JSON API (routes listed in docs/dashboard.md). */
export async function answerApi(dashboard: Dashboard, request: ApiRequest): Promise<ApiAnswer> {
  const { method, path, query, actor } = request;
  const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
  if (method === 'GET') {
    if (path === 'config')
      return ok({ readOnly: dashboard.options.readOnly ?? false, user: actor.who, broker: dashboard.app.describe().broker });
    if (path === 'overview')
      return ok({
        throughput: dashboard.history.throughput(CHART_WINDOW_SECONDS, CHART_STEP_SECONDS),
        states: dashboard.history.countsByState(),
        tasks: dashboard.history.size,
        workersOnline: dashboard.workers.aliveWorkers().length,
      });
    if (path === 'workers') return ok({ workers: dashboard.workers.workers() });
    if (path === 'queues') return ok({ queues: await dashboard.queueSizes() });
    if (path === 'tasks') return ok(dashboard.history.search(taskQueryOf(query)));
    if (path === 'audit') return ok({ entries: await dashboard.audit.recent(AUDIT_SHOWN) });
    const detail = /^tasks\/([^/]+)$/.exec(path);
    if (detail) {
      const id = decodeURIComponent(detail[1] as string);
      const meta = await dashboard.backend.lookup(id);
      const task = dashboard.history.get(id);
      if (!task) return { status: 404, body: { error: `No task ${id} in the history or the result backend.` } };
      return ok({ task, meta: meta ?? null });
    }
  }
  const action = /^tasks\/([^/]+)\/(retry|revoke)$/.exec(path);
  if (method === 'POST' && action) {
    if (dashboard.options.readOnly) return { status: 403, body: { error: 'This dashboard is read-only.' } };
    const id = decodeURIComponent(action[1] as string);
    try {
      if (action[2] === 'retry') return ok({ id: await dashboard.actions.retry(id, actor) });
      await dashboard.actions.revoke(id, query.get('terminate') === 'true', actor);
      return ok({ id });
    } catch (error) {
      if (error instanceof ActionRefusedError) return { status: error.status, body: { error: error.message } };
      throw error;
    }
  }
  return { status: 404, body: { error: `No API route ${method} ${path}.` } };
}

function taskQueryOf(query: URLSearchParams): TaskQuery {
  const text = (name: string) => query.get(name)?.trim() || undefined;
  const number = (name: string) => {
    const value = Number(query.get(name));
    return query.has(name) && Number.isFinite(value) ? value : undefined;
  };
  return {
    id: text('id'),
    name: text('name'),
    state: text('state'),
    text: text('text'),
    exception: text('exception'),
    from: number('from'),
    to: number('to'),
    limit: number('limit'),
    offset: number('offset'),
  };
}

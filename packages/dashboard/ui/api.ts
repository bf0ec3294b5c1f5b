/** Calls of the dashboard's JSON API, relative to the page so any base path works. */

/** A task as the server sends it. */
export type { TaskRecord as TaskRow } from '../src/history/task-record.js';

export interface DashboardConfig {
  readOnly: boolean;
  user: string;
  broker: string;
}

/** GET `api/<path>` as JSON; throws with the server's message on an error status. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`api/${path}`);
  return answer<T>(response);
}

/** POST an action; the header is the server's CSRF check. */
export async function postAction<T>(path: string): Promise<T> {
  const response = await fetch(`api/${path}`, { method: 'POST', headers: { 'x-tq-dashboard': '1' } });
  return answer<T>(response);
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

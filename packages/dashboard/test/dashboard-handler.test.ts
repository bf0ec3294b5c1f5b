import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp, type Worker } from '@tq/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DashboardHandler, dashboardHandler } from '../src/dashboard-handler.js';
import type { DashboardOptions } from '../src/dashboard-options.js';
import { basicAuth } from '../src/server/basic-auth.js';
import { buildUi } from '../ui/build-ui.js';

// In-process on memory://: a worker sending task events, and the dashboard mounted under a base path on a real HTTP server.
let app: App;
let worker: Worker;
let queue: string;
let dir: string;
let failing: boolean;
let handler: DashboardHandler | undefined;
let server: Server | undefined;
let base: string;

beforeAll(() => buildUi());

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tq-dashboard-'));
  queue = `dash-${randomUUID()}`;
  failing = true;
  // resultExtended: Retry sends the stored name, args and kwargs again.
  app = createApp({ broker: 'memory://', backend: 'memory://', defaultQueue: queue, resultExtended: true });
  app.task('d.add', (x: number, y: number) => x + y);
  app.task('d.charge', (customer: string) => {
    if (failing) throw new RangeError(`declined for ${customer}`);
    return `charged ${customer}`;
  });
  worker = app.worker({ queues: [queue], taskEvents: true, heartbeatIntervalMs: 100, hostname: 'w1@test' });
  await worker.start();
});

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await handler?.close();
  await worker.close();
  await app.close();
  await rm(dir, { recursive: true, force: true });
  server = handler = undefined;
});

async function serve(options: DashboardOptions = {}): Promise<void> {
  handler = dashboardHandler(app, { basePath: '/admin/tq', historyPath: join(dir, 'history.jsonl'), ...options });
  await handler.start();
  const mounted = handler;
  // Like Express: what the dashboard leaves goes to the next handler, here one answering 418.
  server = createServer((request, response) => mounted(request, response, () => response.writeHead(418).end()));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { redirect: 'manual', ...init });
const json = async <T>(path: string, init: RequestInit = {}): Promise<T> => (await call(path, init)).json() as Promise<T>;
const action = (path: string, headers: Record<string, string> = {}) =>
  call(path, { method: 'POST', headers: { 'x-tq-dashboard': '1', ...headers } });

async function until<T>(read: () => Promise<T>, holds: (value: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Page {
  total: number;
  tasks: { id: string; state: string; name?: string; retryOf?: string; retriedAs?: string; kwargs?: string }[];
}

describe('dashboardHandler', () => {
  it('serves the page under its base path, redirects the bare base path, and hands other paths to next (Express style)', async () => {
    await serve();
    const page = await call('/admin/tq/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    expect((await call('/admin/tq/app.js')).headers.get('content-type')).toContain('text/javascript');
    const bare = await call('/admin/tq?x=1');
    expect([bare.status, bare.headers.get('location')]).toEqual([302, '/admin/tq/?x=1']);
    expect((await call('/elsewhere')).status).toBe(418);
    expect((await call('/admin/tqx')).status).toBe(418);
    expect((await call('/admin/tq/%2e%2e%2fpackage.json')).status).toBe(404);
    expect((await call('/admin/tq/api/nothing')).status).toBe(404);
  });

  it('lists workers from their heartbeats, and tasks from their events with search by kwargs', async () => {
    await serve();
    await until(
      () => json<{ workers: { hostname: string; alive: boolean }[] }>('/admin/tq/api/workers'),
      (body) => body.workers.some((w) => w.hostname === 'w1@test' && w.alive),
      'the worker online',
    );
    const customer = `cust-${randomUUID()}`;
    const sent = await app.signature('d.charge', [], { customer }).applyAsync([]);
    await expect(sent.get({ timeoutMs: 5000 })).rejects.toThrow(/declined/);
    const found = await until(
      () => json<Page>(`/admin/tq/api/tasks?text=${customer}`),
      (page) => page.tasks[0]?.state === 'FAILURE',
      'the failure in the history',
    );
    expect(found).toMatchObject({ total: 1, tasks: [{ id: sent.id, name: 'd.charge' }] });
    const detail = await json<{ task: { traceback?: string }; meta: { kwargs: unknown } }>(`/admin/tq/api/tasks/${sent.id}`);
    expect(detail.meta.kwargs).toEqual({ customer });
    expect(detail.task.traceback).toContain(`RangeError: declined for ${customer}`);
    const overview = await json<{ states: Record<string, number>; workersOnline: number }>('/admin/tq/api/overview');
    expect(overview.states.FAILURE).toBe(1);
    expect(overview.workersOnline).toBe(1);
    expect(await json('/admin/tq/api/queues')).toEqual({ queues: [{ name: queue, size: 0 }] });
  });

  it('retries a failed task as a new task with the same kwargs, linked both ways and audited', async () => {
    await serve({ auth: basicAuth({ alice: 's3cret' }) });
    const alice = { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };
    const sent = await app.signature('d.charge', [], { customer: 'bob' }).applyAsync([]);
    await expect(sent.get({ timeoutMs: 5000 })).rejects.toThrow(/declined/);
    failing = false;
    const retried = await action(`/admin/tq/api/tasks/${sent.id}/retry`, alice);
    expect(retried.status).toBe(200);
    const { id } = (await retried.json()) as { id: string };
    expect(id).not.toBe(sent.id);
    expect(await app.asyncResult(id).get({ timeoutMs: 5000 })).toBe('charged bob');
    const both = await until(
      () => json<Page>('/admin/tq/api/tasks?name=d.charge', { headers: alice }),
      (page) => page.tasks.some((task) => task.id === id && task.state === 'SUCCESS'),
      'the retry to succeed',
    );
    expect(both.tasks.find((task) => task.id === id)?.retryOf).toBe(sent.id);
    expect(both.tasks.find((task) => task.id === sent.id)).toMatchObject({ state: 'FAILURE', retriedAs: id });
    const audit = await json<{ entries: unknown[] }>('/admin/tq/api/audit', { headers: alice });
    expect(audit.entries).toEqual([expect.objectContaining({ who: 'alice', action: 'retry', taskId: sent.id, outcome: id })]);
  });

  it('refuses to retry a task that did not fail, or one it knows nothing of', async () => {
    await serve();
    const done = await app.getTask('d.add')?.delay(1, 2);
    await done?.get({ timeoutMs: 5000 });
    const twice = await action(`/admin/tq/api/tasks/${done?.id}/retry`);
    expect([twice.status, ((await twice.json()) as { error: string }).error]).toEqual([409, expect.stringMatching(/is SUCCESS/)]);
    expect((await action(`/admin/tq/api/tasks/${randomUUID()}/retry`)).status).toBe(404);
  });

  it('finds by id a task that finished before it started, from the result backend', async () => {
    const done = await app.getTask('d.add')?.delay(20, 22);
    await done?.get({ timeoutMs: 5000 });
    await serve();
    const detail = await json<{ task: { state: string; name: string; result: string } }>(`/admin/tq/api/tasks/${done?.id}`);
    expect(detail.task).toMatchObject({ state: 'SUCCESS', name: 'd.add', result: '42' });
  });

  it('revokes a waiting task', async () => {
    await serve();
    const later = await app.getTask('d.add')?.applyAsync([1, 1], { countdownMs: 60_000 });
    expect((await action(`/admin/tq/api/tasks/${later?.id}/revoke`)).status).toBe(200);
    expect(await later?.state()).toBe('REVOKED');
    const audit = await json<{ entries: { action: string; taskId: string }[] }>('/admin/tq/api/audit');
    expect(audit.entries[0]).toMatchObject({ action: 'revoke', taskId: later?.id });
  });

  it('asks for a password with basic auth and refuses wrong ones', async () => {
    await serve({ auth: basicAuth({ alice: 's3cret' }) });
    const none = await call('/admin/tq/api/config');
    expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, expect.stringContaining('Basic')]);
    const wrong = { authorization: `Basic ${Buffer.from('alice:guess').toString('base64')}` };
    expect((await call('/admin/tq/api/config', { headers: wrong })).status).toBe(401);
    const right = { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };
    expect(await json('/admin/tq/api/config', { headers: right })).toMatchObject({ user: 'alice', readOnly: false });
  });

  it('takes a custom auth hook: its answer is who the audit log names', async () => {
    await serve({ auth: (request) => (request.headers['x-user'] === 'carol' ? 'carol' : undefined) });
    expect((await call('/admin/tq/api/config')).status).toBe(401);
    expect(await json('/admin/tq/api/config', { headers: { 'x-user': 'carol' } })).toMatchObject({ user: 'carol' });
  });

  it('refuses actions without its header (CSRF) and every action when read-only', async () => {
    await serve({ readOnly: true });
    const sent = await app.getTask('d.add')?.applyAsync([1, 1], { countdownMs: 60_000 });
    expect((await call(`/admin/tq/api/tasks/${sent?.id}/revoke`, { method: 'POST' })).status).toBe(403);
    expect((await action(`/admin/tq/api/tasks/${sent?.id}/revoke`)).status).toBe(403);
    expect(await sent?.state()).toBe('PENDING');
    expect(await json('/admin/tq/api/config')).toMatchObject({ readOnly: true });
  });
});

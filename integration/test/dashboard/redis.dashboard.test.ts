import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp, type Worker } from '@tq/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUi } from '../../../packages/dashboard/ui/build-ui.js';
import { launchChromium } from '../../harness/browser.js';
import { freePort } from '../../harness/free-port.js';
import { brokerUrl } from '../../harness/index.js';
import { DashboardProcess } from './dashboard-process.js';

const root = join(import.meta.dirname, '../../..');
/** Where screenshots go: the ignored cache, or docs/dashboard with TQ_DASHBOARD_SCREENSHOTS=docs/dashboard to refresh the docs' pictures. */
const shots = join(root, process.env.TQ_DASHBOARD_SCREENSHOTS ?? '.cache/dashboard-screenshots');
/** Waits for things a worker and two processes do on a loaded 2-core machine. */
const SLOW = 30_000;

describe('tq dashboard on Redis, in headless Chromium', () => {
  const id = randomUUID().slice(0, 8);
  const queue = `dash-${id}`;
  const workerName = `dash-${id}@test`;
  /** The value searched for: it exists only in the failing call's kwargs. */
  const customer = `cust-${id}`;
  let failing = true;
  let app: App;
  let worker: Worker;
  let browser: Browser;
  let page: Page;
  let dashboard: DashboardProcess | undefined;
  let dir: string;
  let port: number;
  let failedId: string;

  const start = async (...extra: string[]) => {
    dashboard = await DashboardProcess.start(queue, ['--port', String(port), '--history', join(dir, 'history.jsonl'), ...extra]);
  };
  const open = (hash: string) => page.goto(`http://127.0.0.1:${port}/#${hash}`);

  beforeAll(async () => {
    [dir, port] = await Promise.all([mkdtemp(join(tmpdir(), 'tq-dashboard-')), freePort(), buildUi(), mkdir(shots, { recursive: true })]);
    // resultExtended: Retry sends the stored name, args and kwargs again.
    app = createApp({ broker: brokerUrl('redis'), backend: brokerUrl('redis'), defaultQueue: queue, resultExtended: true });
    app.task('dash.add', (x: number, y: number) => x + y);
    app.task('dash.charge', (customer: string, amount: number) => {
      if (failing) throw new Error(`card declined for ${customer}`);
      return { customer, charged: amount };
    });
    worker = app.worker({ queues: [queue], taskEvents: true, hostname: workerName });
    await worker.start();
    await start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await worker?.close();
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the worker online', async () => {
    await open('/workers');
    const row = page.locator(`tr[data-worker="${workerName}"]`);
    await row.getByText('online').waitFor({ timeout: SLOW });
    await page.screenshot({ path: join(shots, 'workers.png') });
  });

  it('shows a task that succeeded, with its result', async () => {
    const sent = await app.getTask('dash.add')?.delay(2, 3);
    expect(await sent?.get({ timeoutMs: SLOW })).toBe(5);
    await open(`/task/${sent?.id}`);
    await expect.poll(() => page.getByTestId('task-state').textContent(), { timeout: SLOW }).toBe('SUCCESS');
    expect(await page.getByTestId('task-result').textContent()).toBe('5');
    expect(await page.getByTestId('task-args').textContent()).toContain('2');
  });

  it('shows a failed task with its traceback, found by a kwarg value', async () => {
    // By name with kwargs, as a Python producer sends: the worker places them by parameter name.
    const sent = await app.signature('dash.charge', [], { customer, amount: 42 }).applyAsync([]);
    failedId = sent.id;
    await expect(sent.get({ timeoutMs: SLOW })).rejects.toThrow(/card declined/);
    await open(`/tasks?text=${customer}`);
    const row = page.locator(`tr[data-task="${failedId}"]`);
    await row.getByText('FAILURE').waitFor({ timeout: SLOW });
    expect(await page.getByTestId('task-total').textContent()).toMatch(/^1 task\b/);
    await page.screenshot({ path: join(shots, 'tasks.png') });
    // By the exception's text too, through the form as someone would type it.
    await open('/tasks');
    await page.locator('input[name="exception"]').fill(`declined for ${customer}`);
    await page.getByRole('button', { name: 'Search' }).click();
    await row.getByText('FAILURE').waitFor({ timeout: SLOW });
    expect(await page.getByTestId('task-total').textContent()).toMatch(/^1 task\b/);
    await row.getByRole('link', { name: failedId }).click();
    await page.getByTestId('task-traceback').waitFor({ timeout: SLOW });
    expect(await page.getByTestId('task-exception').textContent()).toContain(`card declined for ${customer}`);
    expect(await page.getByTestId('task-traceback').textContent()).toContain('Error: card declined');
    expect(await page.getByTestId('task-kwargs').textContent()).toContain(customer);
    await page.screenshot({ path: join(shots, 'failed-task.png'), fullPage: true });
  });

  it('retries the failed task from the page: a new task with the same args, linked to the old one', async () => {
    failing = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    // The page moves to the new task.
    await page.waitForURL((url) => url.hash.startsWith('#/task/') && !url.hash.endsWith(failedId), { timeout: SLOW });
    await expect.poll(() => page.getByTestId('task-state').textContent(), { timeout: SLOW }).toBe('SUCCESS');
    const newId = (await page.getByTestId('task-id').textContent()) as string;
    expect(newId).not.toBe(failedId);
    expect(await page.getByTestId('task-result').textContent()).toContain(`"charged": 42`);
    expect(await page.getByRole('link', { name: failedId }).count()).toBe(1);
    expect(await app.asyncResult(newId).get({ timeoutMs: SLOW })).toEqual({ customer, charged: 42 });
    // The old task still says what happened to it.
    expect(await app.asyncResult(failedId).state()).toBe('FAILURE');
  });

  it('draws the overview with the throughput chart', async () => {
    await open('/');
    await page.getByTestId('throughput-chart').locator('canvas').waitFor({ timeout: SLOW });
    await expect.poll(() => page.getByTestId('workers-online').textContent(), { timeout: SLOW }).not.toBe('0');
    await page.screenshot({ path: join(shots, 'overview.png') });
  });

  it('keeps the history across a restart, and read-only mode hides and refuses the actions', async () => {
    await dashboard?.stop();
    await start('--read-only');
    // A fresh page load: a hash change alone would keep the page (and its config) from before.
    await page.goto('about:blank');
    // The list comes from the history alone (the result backend cannot be searched by kwargs).
    await open(`/tasks?text=${customer}`);
    await page.locator(`tr[data-task="${failedId}"]`).getByText('FAILURE').waitFor({ timeout: SLOW });
    await page.getByTestId('read-only').waitFor();
    await open(`/task/${failedId}`);
    await page.getByTestId('task-traceback').waitFor({ timeout: SLOW });
    expect(await page.getByTestId('task-exception').textContent()).toContain('card declined');
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    const refused = await page.evaluate(async (taskId) => {
      const response = await fetch(`api/tasks/${taskId}/retry`, { method: 'POST', headers: { 'x-tq-dashboard': '1' } });
      return response.status;
    }, failedId);
    expect(refused).toBe(403);
  });
});

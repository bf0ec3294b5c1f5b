import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '@tq/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUi } from '../../../packages/dashboard/ui/build-ui.js';
import { launchChromium } from '../../harness/browser.js';
import { freePort } from '../../harness/free-port.js';
import { brokerUrl, type CeleryWorkerProcess, startCeleryWorker } from '../../harness/index.js';
import { DashboardProcess } from './dashboard-process.js';

/** Waits for things a Python worker and two Node processes do on a loaded 2-core machine. */
const SLOW = 30_000;

// A mixed fleet: a Python Celery worker (-E) beside the dashboard, its worker and its tasks on the pages.
describe('tq dashboard with a Python Celery worker on Redis, in headless Chromium', () => {
  const id = randomUUID().slice(0, 8);
  const pyQueue = `dash-py-${id}`;
  const pyName = `dash-py-${id}`;
  const marker = `kw-${id}`;
  let app: App;
  let celery: CeleryWorkerProcess | undefined;
  let browser: Browser;
  let page: Page;
  let dashboard: DashboardProcess | undefined;
  let dir: string;
  let port: number;

  const open = (hash: string) => page.goto(`http://127.0.0.1:${port}/#${hash}`);

  beforeAll(async () => {
    [dir, port] = await Promise.all([mkdtemp(join(tmpdir(), 'tq-dashboard-')), freePort(), buildUi()]);
    app = createApp({ broker: brokerUrl('redis'), backend: brokerUrl('redis'), defaultQueue: pyQueue });
    dashboard = await DashboardProcess.start(pyQueue, ['--port', String(port), '--history', join(dir, 'history.jsonl')]);
    celery = await startCeleryWorker({
      app: 'tq_peer',
      queues: [pyQueue],
      name: pyName,
      args: ['-E'],
      env: { TQ_PEER_BROKER: brokerUrl('redis'), TQ_PEER_BACKEND: brokerUrl('redis'), TQ_PEER_PY_QUEUE: pyQueue },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await celery?.stop();
    await dashboard?.stop();
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the Celery worker online, as Celery software', async () => {
    await open('/workers');
    const row = page.locator(`tr[data-worker^="${pyName}@"]`);
    await row.getByText('online').waitFor({ timeout: SLOW });
    expect(await row.textContent()).toContain('py-celery');
  });

  it('shows a Celery task by its kwarg value, with its result', async () => {
    const sent = await app.signature('py.kwargs', [1], { b: marker }).applyAsync([]);
    expect(await sent.get({ timeoutMs: SLOW })).toEqual({ a: 1, b: marker, c: 3 });
    await open(`/tasks?text=${marker}`);
    await page.locator(`tr[data-task="${sent.id}"]`).getByText('SUCCESS').waitFor({ timeout: SLOW });
    await open(`/task/${sent.id}`);
    await expect.poll(() => page.getByTestId('task-result').textContent(), { timeout: SLOW }).toContain(marker);
  });

  it("shows a Celery failure's Python traceback, and says why it cannot retry it without result_extended", async () => {
    const sent = await app.signature('py.fail', [`boom-${id}`]).applyAsync([]);
    await expect(sent.get({ timeoutMs: SLOW })).rejects.toThrow(`boom-${id}`);
    await open(`/task/${sent.id}`);
    await expect
      .poll(() => page.getByTestId('task-traceback').textContent(), { timeout: SLOW })
      .toContain('Traceback (most recent call last)');
    expect(await page.getByTestId('task-exception').textContent()).toContain(`boom-${id}`);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('result_extended').waitFor({ timeout: SLOW });
  });
});

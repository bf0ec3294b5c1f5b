import { join } from 'node:path';
import { type App, ClusterState } from '@tq/core';
import { TaskActions } from './actions/task-actions.js';
import { AuditLog } from './audit/audit-log.js';
import type { DashboardOptions } from './dashboard-options.js';
import { BackendReader } from './history/backend-reader.js';
import { HistoryFile } from './history/history-file.js';
import { TaskHistory } from './history/task-history.js';

/**
 * What a dashboard knows and does, apart from HTTP: the cluster's workers (from their events), the
 * task history (events + result backend, persisted), queue sizes (from the broker), and the actions.
 * `start()` loads the history and subscribes to the events; `close()` stops and writes what is left.
 */
export class Dashboard {
  readonly workers = new ClusterState();
  readonly history: TaskHistory;
  readonly backend: BackendReader;
  readonly audit: AuditLog;
  readonly actions: TaskActions;
  private stopEvents: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly app: App,
    readonly options: DashboardOptions,
  ) {
    const historyPath = options.historyPath ?? join(process.cwd(), '.tq', 'dashboard', 'history.jsonl');
    this.history = new TaskHistory({
      file: new HistoryFile(historyPath, app.logger),
      maxTasks: options.maxTasks,
      maxAgeMs: options.maxAgeMs,
    });
    this.backend = new BackendReader(app, this.history);
    this.audit = new AuditLog(options.auditPath ?? join(historyPath, '..', 'audit.jsonl'));
    this.actions = new TaskActions(app, this.history, this.backend, this.audit);
  }

  async start(): Promise<void> {
    await this.history.start();
    try {
      this.stopEvents = await this.app.events.subscribe((event) => {
        if (event.type.startsWith('worker-')) this.workers.apply(event);
        else this.history.apply(event);
      });
    } catch (error) {
      // Leave nothing running, so a later start begins afresh.
      await this.history.close();
      throw error;
    }
    const reconcile = () =>
      this.backend
        .reconcile()
        .catch((error: unknown) => this.app.logger.warn({ err: error }, 'dashboard: reading the result backend failed'));
    void reconcile();
    this.timer = setInterval(reconcile, this.options.reconcileIntervalMs ?? 10_000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.stopEvents?.();
    this.stopEvents = undefined;
    await this.history.close();
  }

  /**
   * Waiting messages per queue: the configured ones, the app's default, and every queue seen in the
   * history. A queue whose size cannot be read says why instead of failing the whole list.
   */
  async queueSizes(): Promise<{ name: string; size: number | null; error?: string }[]> {
    const broker = await this.app.broker();
    const names = new Set([this.app.defaultQueue, ...(this.options.queues ?? []), ...this.history.queues()]);
    return Promise.all(
      [...names].sort().map(async (name) => {
        try {
          return { name, size: await broker.size(name) };
        } catch (error) {
          return { name, size: null, error: (error as Error).message };
        }
      }),
    );
  }
}

import { afterEach, describe, expect, it } from 'vitest';
import { type App, chain, createApp, currentTask } from '../../src/index.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

// Celery gives a task sent from inside a running task that task's id as parent_id and its
// root_id; Flower's task tree and Python's result.children-style lineage read them.
describe('a task sent from inside a running task is its child', () => {
  it('carries the sender’s id as parent id and the sender’s root as root id', async () => {
    app = createApp({ broker: 'memory://child-ids', backend: 'memory://child-ids' });
    const seen: { id: string; parentId: string | null; rootId: string }[] = [];
    const child = app.task('child', () => {
      const task = currentTask();
      seen.push({ id: task.id, parentId: task.parentId, rootId: task.rootId });
    });
    const parent = app.task('parent', async (_previous: unknown) => (await child.delay()).id);
    const first = app.task('first', () => 'first');
    const worker = app.worker();
    await worker.start();
    try {
      // The chain's result is the parent's; its first step is the root of all it led to.
      const top = await chain(first.s(), parent.s()).delay();
      const childId = await top.get({ timeoutMs: 5000 });
      await app.asyncResult(childId).get({ timeoutMs: 5000 });
      const firstId = (await app.asyncResult(top.id).meta())?.parent_id;
      expect(firstId).toEqual(expect.any(String));
      expect(seen).toEqual([{ id: childId, parentId: top.id, rootId: firstId }]);
    } finally {
      await worker.close();
    }
  });

  it('sent from outside any task, it is a root with no parent', async () => {
    app = createApp({ broker: 'memory://root-ids', backend: 'memory://root-ids' });
    const ids: { id: string; parentId: string | null; rootId: string }[] = [];
    const alone = app.task('alone', () => {
      const task = currentTask();
      ids.push({ id: task.id, parentId: task.parentId, rootId: task.rootId });
    });
    const worker = app.worker();
    await worker.start();
    try {
      const result = await alone.delay();
      await result.get({ timeoutMs: 5000 });
      expect(ids).toEqual([{ id: result.id, parentId: null, rootId: result.id }]);
    } finally {
      await worker.close();
    }
  });
});

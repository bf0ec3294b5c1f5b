import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResultMeta, serializeError, TaskRevokedError } from '../../src/index.js';

describe('createResultMeta', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-21T10:46:57.909Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('matches the captured result_extended SUCCESS meta, key order included', () => {
    const captured =
      '{"status": "SUCCESS", "result": 30, "traceback": null, "children": [], "date_done": "2026-11-21T10:46:57.909000", "name": "tasks.add", "args": [10, 20], "kwargs": {}, "worker": "w2@capture", "retries": 0, "queue": "celery", "task_id": "db2cf253-0c65-422c-a2e6-90737226f375"}';
    const meta = createResultMeta({
      taskId: 'db2cf253-0c65-422c-a2e6-90737226f375',
      status: 'SUCCESS',
      result: 30,
      extended: true,
      name: 'tasks.add',
      args: [10, 20],
      kwargs: {},
      worker: 'w2@capture',
      retries: 0,
      queue: 'celery',
    });
    expect(JSON.stringify(meta)).toBe(JSON.stringify(JSON.parse(captured)));
  });

  it('places group_id and parent_id after date_done, and children as given', () => {
    const meta = createResultMeta({
      taskId: 'c5a5',
      status: 'SUCCESS',
      result: 8,
      groupId: 'g',
      parentId: 'a7af',
      children: [[['4105', null], null]],
      extended: true,
    });
    expect(Object.keys(meta)).toEqual([
      'status',
      'result',
      'traceback',
      'children',
      'date_done',
      'group_id',
      'parent_id',
      'name',
      'args',
      'kwargs',
      'worker',
      'retries',
      'queue',
      'task_id',
    ]);
    expect(meta.children).toEqual([[['4105', null], null]]);
  });

  it('without extended: no name, args, kwargs, worker, retries or queue keys at all, as Celery writes it by default', () => {
    const meta = createResultMeta({ taskId: 't', status: 'SUCCESS', result: 1, name: 'mail.send', args: ['ann@example.com'], kwargs: {} });
    expect(Object.keys(meta)).toEqual(['status', 'result', 'traceback', 'children', 'date_done', 'task_id']);
    expect(JSON.stringify(meta)).not.toContain('ann@example.com');
  });

  it('REVOKED: serialized error, naive UTC date_done; unknown extended fields are null', () => {
    const { result, traceback } = serializeError(new TaskRevokedError('revoked'));
    const meta = createResultMeta({ taskId: 't', status: 'REVOKED', result, traceback, extended: true });
    expect(meta).toMatchObject({
      status: 'REVOKED',
      result: { exc_type: 'TaskRevokedError', exc_message: ['revoked'], exc_module: 'celery.exceptions' },
      date_done: '2026-11-21T10:46:57.909000',
      name: null,
      args: null,
      queue: null,
    });
    expect(meta).not.toHaveProperty('group_id');
  });

  it('date_done is null for states that are not ready', () => {
    for (const status of ['STARTED', 'RETRY', 'PROGRESS']) {
      expect(createResultMeta({ taskId: 't', status, result: null }).date_done).toBeNull();
    }
    vi.setSystemTime(new Date('2026-11-21T10:46:57Z'));
    expect(createResultMeta({ taskId: 't', status: 'FAILURE', result: null }).date_done).toBe('2026-11-21T10:46:57');
  });
});

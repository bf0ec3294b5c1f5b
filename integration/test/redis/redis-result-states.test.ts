import { randomUUID } from 'node:crypto';
import type { ResultMeta } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { brokerAvailable } from '../../harness/index.js';
import { backendOn, type RedisDeployment } from './redis-test-env.js';

const meta = (id: string, status: string, result: unknown = null): ResultMeta => ({
  status,
  result,
  traceback: null,
  children: [],
  date_done: null,
  task_id: id,
});

describe.each(['redis', 'redis-cluster'] as RedisDeployment[])('%s: a finished task stays finished', (deployment) => {
  it.skipIf(!brokerAvailable(deployment))(
    "a late RETRY (the retry's attempt finished first) does not turn a stored FAILURE back into a pending task",
    async () => {
      const backend = backendOn(deployment);
      await backend.connect();
      const [failed, revoked] = [randomUUID(), randomUUID()];
      try {
        const failure = meta(failed, 'FAILURE', { exc_type: 'PermanentError', exc_message: ['no'], exc_module: 'builtins' });
        await backend.set(failed, failure);
        await backend.set(failed, meta(failed, 'RETRY'));
        await backend.set(failed, meta(failed, 'STARTED'));
        expect(await backend.get(failed)).toEqual(failure);
        // A final state still replaces another: a redelivered attempt may succeed after all.
        const success = meta(failed, 'SUCCESS', 42);
        await backend.set(failed, success);
        expect(await backend.get(failed)).toEqual(success);

        await backend.set(revoked, meta(revoked, 'REVOKED'));
        await backend.set(revoked, meta(revoked, 'RETRY'));
        expect((await backend.get(revoked))?.status).toBe('REVOKED');
      } finally {
        await backend.forget(failed);
        await backend.forget(revoked);
        await backend.close();
      }
    },
  );
});

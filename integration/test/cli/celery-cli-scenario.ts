import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerUrl, type CeleryWorkerProcess, startCeleryWorker } from '../../harness/index.js';
import { deleteCliQueues } from './delete-cli-queues.js';
import { TqProcesses, until } from './tq-process.js';

/**
 * The real `tq` binary against a live Python Celery worker (integration/python/tq_peer.py, task
 * events on) on Redis or RabbitMQ: `tq status`, `tq inspect`, `tq control` and `tq events` read and
 * steer it as `celery` would, and `tq control shutdown` stops it though it never replies.
 */
export function celeryCliScenario(transport: 'redis' | 'amqp'): void {
  const suffix = randomUUID().slice(0, 8);
  const name = `cli-py-${transport}-${suffix}`;
  const node = `${name}@${hostname()}`;
  const queue = `cli-py-${suffix}`;
  const tq = new TqProcesses(transport);
  let celery: CeleryWorkerProcess | undefined;

  afterAll(async () => {
    tq.stopAll();
    await celery?.stop(5000);
    await deleteCliQueues(transport, [queue]);
  });

  describe(`tq status, inspect, control and events with a Python Celery worker on ${transport}`, { timeout: 120_000 }, () => {
    it('lists, inspects and steers the Celery worker, sees its heartbeats, and shuts it down', async () => {
      const dump = tq.start('events', '--json');
      celery = await startCeleryWorker({
        app: 'tq_peer',
        queues: [queue],
        name,
        args: ['-E'],
        env: { TQ_PEER_BROKER: brokerUrl(transport), TQ_PEER_PY_QUEUE: queue },
      });
      const [status, registered, stats, limited] = await Promise.all([
        tq.run('status', '-d', node, '-t', '10'),
        tq.run('inspect', 'registered', '-d', node, '-t', '10'),
        tq.run('inspect', 'stats', '-d', node, '-t', '10', '--json'),
        tq.run('control', 'rate_limit', 'py.add', '5/s', '-d', node, '-t', '10'),
      ]);
      expect(status).toMatchObject({ code: 0, stdout: `->  ${node}: OK\n\n1 node online.\n` });
      expect(registered.code).toBe(0);
      // rate_limit runs at the same moment: Celery may already list py.add with its new limit.
      expect(registered.stdout).toMatch(
        new RegExp(`^->  ${node.replace(/\./g, '\\.')}: OK\\n(    \\* .*\\n)*    \\* py\\.add( \\[rate_limit=.*\\])?\\n`),
      );
      expect(JSON.parse(stats.stdout)[node]).toMatchObject({ pid: celery.pid, pool: expect.any(Object) });
      expect(limited).toMatchObject({ code: 0, stdout: `->  ${node}: OK\n        new rate limit set successfully\n` });
      await until(() => dump.stdout().includes(`"hostname":"${node}"`), "the Celery worker's heartbeat in tq events");
      const heartbeat = dump
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; hostname: string; sw_ident?: string })
        .find((event) => event.hostname === node);
      expect(heartbeat).toMatchObject({ sw_ident: 'py-celery' });

      // A Celery worker never answers shutdown (it exits inside the handler): tq tells who it pinged.
      const shutdown = await tq.run('control', 'shutdown', '-d', node, '-t', '10');
      expect(shutdown).toMatchObject({ code: 0, stdout: `->  ${node}: OK\n        shutdown sent\n` });
      await until(() => dump.stdout().includes('"type":"worker-offline"'), 'worker-offline from the Celery worker');
      dump.child.kill('SIGINT');
      expect(await dump.exited).toBe(0);
    });
  });
}

import { createApp, MemoryBroker, type QueueDepth } from '@tq/core';
import { afterEach, expect, it } from 'vitest';
import { TqMetrics } from '../src/index.js';

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** A memory broker whose depth read can be made to fail. */
class FlakyDepthBroker extends MemoryBroker {
  failDepth = false;
  override async depth(queue: string): Promise<QueueDepth> {
    if (this.failDepth) throw new Error('broker unreachable');
    return super.depth(queue);
  }
}

it('an app that only publishes: sent counts, and the depth of the queues it names; a failed read leaves no stale value', async () => {
  const broker = new FlakyDepthBroker();
  const app = createApp({ broker, defaultQueue: 'emails', logger: undefined });
  apps.push(app);
  const send = app.task('emails.send', async () => {});
  const metrics = new TqMetrics(app, { queues: ['emails'], defaultMetrics: false });
  await metrics.start();
  await send.delay();
  await send.applyAsync([], { countdownMs: 60_000 });

  const text = await metrics.metrics();
  expect(text).toMatch(/^celery_task_sent_total\{name="emails\.send",hostname="[^"]+",queue_name="emails"\} 2$/m);
  expect(text).toContain(
    'messaging_client_sent_messages_total{messaging_system="memory",messaging_destination_name="emails",error_type=""} 2',
  );
  expect(text).toContain('tq_queue_messages{messaging_system="memory",messaging_destination_name="emails",state="ready"} 1');
  expect(text).toContain('tq_queue_messages{messaging_system="memory",messaging_destination_name="emails",state="delayed"} 1');
  expect(text).toContain('celery_queue_length{queue_name="emails"} 1');
  // No worker: nothing claims to be one.
  expect(text).not.toMatch(/^celery_worker_up\{/m);

  broker.failDepth = true;
  const failed = await metrics.metrics();
  expect(failed).not.toMatch(/^tq_queue_messages\{/m);
  expect(failed).not.toMatch(/^celery_queue_length\{/m);

  metrics.close();
  await send.delay();
  // Closed: it stopped listening, the values stay.
  expect(await metrics.metrics()).toMatch(/^celery_task_sent_total\{[^}]*\} 2$/m);
});

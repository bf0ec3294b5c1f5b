import type { App, TaskMessage } from '../../src/index.js';

/** The next task message on `queue`, read off the app's broker and acknowledged: no worker runs it. */
export async function nextMessage(app: App, queue = 'celery'): Promise<TaskMessage> {
  const broker = await app.broker();
  let take!: (message: TaskMessage) => void;
  const taken = new Promise<TaskMessage>((resolve) => {
    take = resolve;
  });
  const subscription = await broker.consume(
    [queue],
    async (delivery) => {
      await delivery.ack();
      if (delivery.message) take(delivery.message);
    },
    { prefetch: 1 },
  );
  try {
    return await taken;
  } finally {
    await subscription.close();
  }
}

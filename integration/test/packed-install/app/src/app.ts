// An app as a user writes it against the installed packages: the broker and the queue come from the environment.
import { createApp } from '@tq/core';

const url = process.env.TQ_BROKER_URL;
if (!url) throw new Error('TQ_BROKER_URL is not set');
const queue = process.env.APP_QUEUE ?? 'celery';

export const app = createApp({ broker: url, backend: url });
export const add = app.task('packed.add', { queue }, async (x: number, y: number) => x + y);

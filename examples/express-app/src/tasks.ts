import { createApp } from '@tq/core';

// The web server and the worker import this same module: the server sends, the worker runs.
// Both processes must reach one broker, so there is no memory:// fallback here: a worker on
// memory:// could never receive what the server sends.
const broker = process.env.TQ_BROKER_URL;
if (!broker) throw new Error('Set TQ_BROKER_URL, e.g. TQ_BROKER_URL=redis://localhost:6379/0');

export const app = createApp({ broker, backend: process.env.TQ_RESULT_BACKEND ?? broker });

/** Sends the welcome e-mail (here: pretends to, slowly), on a queue of its own so a busy site never delays it. */
export const sendWelcome = app.task('signups.send_welcome', { queue: 'emails' }, async (email: string, name: string) => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (!email.includes('@')) throw new TypeError(`not an e-mail address: ${email}`);
  return { to: email, subject: `Welcome, ${name}!`, sentBy: process.pid };
});

import express from 'express';
import { app, sendWelcome } from './tasks.js';

const server = express();
server.use(express.json());

// Enqueue and answer at once: the worker process sends the e-mail.
server.post('/signups', async (req, res) => {
  const { email, name } = req.body as { email?: unknown; name?: unknown };
  if (typeof email !== 'string' || typeof name !== 'string') {
    res.status(400).json({ error: 'expected { "email": string, "name": string }' });
    return;
  }
  const result = await sendWelcome.delay(email, name);
  res.status(202).json({ taskId: result.id, status: `/tasks/${result.id}` });
});

// Where the task is: PENDING, STARTED (with --track-started), SUCCESS with its result, FAILURE with the error.
server.get('/tasks/:id', async (req, res) => {
  const result = app.asyncResult(req.params.id);
  const [state, info] = [await result.state(), await result.info()];
  res.json({ id: result.id, state, ...(info instanceof Error ? { error: info.message } : { result: info ?? null }) });
});

const listener = server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = listener.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});

// Stop taking requests, then close the app's broker connections.
process.once('SIGTERM', () => listener.close(() => void app.close()));

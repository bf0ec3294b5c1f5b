import Fastify from 'fastify';
import { app, buildReport } from './tasks.js';

const server = Fastify();

// The schema checks the body before the handler runs: a bad request never reaches the queue.
server.post<{ Body: { title: string; figures: number[] } }>(
  '/reports',
  {
    schema: {
      body: {
        type: 'object',
        required: ['title', 'figures'],
        properties: { title: { type: 'string' }, figures: { type: 'array', items: { type: 'number' } } },
      },
    },
  },
  async (request, reply) => {
    const result = await buildReport.delay(request.body.title, request.body.figures);
    return reply.code(202).send({ taskId: result.id, status: `/reports/${result.id}` });
  },
);

// Waits for the report up to `waitMs` (default: answers at once with the state so far).
server.get<{ Params: { id: string }; Querystring: { waitMs?: string } }>('/reports/:id', async (request) => {
  const result = app.asyncResult<{ title: string; total: number }>(request.params.id);
  const waitMs = Number(request.query.waitMs ?? 0);
  if (waitMs > 0) await result.get({ timeoutMs: waitMs }).catch(() => undefined);
  const info = await result.info();
  return { id: result.id, state: await result.state(), ...(info instanceof Error ? { error: info.message } : { result: info ?? null }) };
});

// The app closes with the server: its broker connections do not keep the process alive.
server.addHook('onClose', () => app.close());

const address = await server.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`listening on ${address}`);
process.once('SIGTERM', () => void server.close());

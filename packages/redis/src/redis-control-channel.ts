import { randomUUID } from 'node:crypto';
import { type ControlChannel, type ControlMessage, toPythonJson } from '@tq/core';
import type { RedisConnection } from './redis-connection.js';
import type { RedisPubSub } from './redis-pub-sub.js';

/**
 * Broadcast control over kombu's pidbox channel (`/<db>.celery.pidbox`, spec §2.8, §9): a tq
 * `revoke` reaches Python workers, and `celery control revoke` reaches tq workers. Requests aimed
 * at named nodes (`destination`) and expired ones are ignored: tq workers are not pidbox nodes.
 */
export class RedisControlChannel implements ControlChannel {
  constructor(
    private readonly connection: RedisConnection,
    private readonly pubsub: RedisPubSub,
    private readonly channel: string,
  ) {}

  async broadcast(message: ControlMessage): Promise<void> {
    const body = toPythonJson({ method: message.command, arguments: message.arguments, destination: null, pattern: null, matcher: null });
    const envelope = toPythonJson({
      body: Buffer.from(body).toString('base64'),
      'content-encoding': 'utf-8',
      'content-type': 'application/json',
      headers: { clock: 0, expires: 0 },
      properties: {
        delivery_mode: 2,
        delivery_info: { exchange: 'celery.pidbox', routing_key: '' },
        priority: 0,
        body_encoding: 'base64',
        delivery_tag: randomUUID(),
      },
    });
    await this.connection.command.publish(this.channel, envelope);
  }

  subscribe(handler: (message: ControlMessage) => void): Promise<() => Promise<void>> {
    return this.pubsub.listen(this.channel, (raw) => {
      const message = decodePidbox(raw);
      if (message) handler(message);
    });
  }
}

/** A pidbox request as a control message, or undefined when it is not one for every worker. */
function decodePidbox(raw: Buffer): ControlMessage | undefined {
  try {
    const envelope = JSON.parse(raw.toString('utf8')) as {
      body?: unknown;
      headers?: { expires?: unknown };
      properties?: { body_encoding?: unknown };
    };
    const expires = Number(envelope.headers?.expires ?? 0);
    if (expires > 0 && expires * 1000 < Date.now()) return undefined;
    if (typeof envelope.body !== 'string') return undefined;
    const text = envelope.properties?.body_encoding === 'base64' ? Buffer.from(envelope.body, 'base64').toString('utf8') : envelope.body;
    const request = JSON.parse(text) as { method?: unknown; arguments?: unknown; destination?: unknown };
    if (typeof request.method !== 'string') return undefined;
    if (Array.isArray(request.destination) && request.destination.length > 0) return undefined;
    const args = typeof request.arguments === 'object' && request.arguments !== null ? (request.arguments as Record<string, unknown>) : {};
    return { command: request.method, arguments: args };
  } catch {
    return undefined;
  }
}

import type { Logger } from '@tq/core';
import { RedisBroker, type RedisBrokerConfig, RedisResultBackend } from '@tq/redis';
import { brokerUrl } from '../../harness/index.js';

/** The two Redis deployments every Redis test runs on. */
export type RedisDeployment = 'redis' | 'redis-cluster';

/** A URL @tq/redis accepts for the harness's deployment (a cluster as comma-separated seeds). */
export function redisUrlOf(deployment: RedisDeployment): string {
  if (deployment === 'redis') return brokerUrl('redis');
  const seeds = brokerUrl('redis-cluster').split(',');
  const hosts = seeds.map((seed) => new URL(seed).host);
  return `redis://${hosts.join(',')}?cluster=true`;
}

/** A broker on the deployment (not connected). */
export function brokerOn(deployment: RedisDeployment, config: RedisBrokerConfig = {}): RedisBroker {
  return new RedisBroker({ url: redisUrlOf(deployment), ...config });
}

/** A result backend on the deployment (not connected). */
export function backendOn(deployment: RedisDeployment): RedisResultBackend {
  return new RedisResultBackend({ url: redisUrlOf(deployment) });
}

/** Delete the keys of queues a test used. */
export async function deleteQueues(deployment: RedisDeployment, queues: readonly string[]): Promise<void> {
  const broker = brokerOn(deployment);
  await broker.connect();
  try {
    await Promise.all(queues.map((queue) => broker.deleteQueue(queue)));
  } finally {
    await broker.close();
  }
}

/** One line a {@link captureLogger} kept: level, bindings merged with fields, message. */
export interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

/** A stand-in for the app's pino logger that keeps every line (children share them). */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const log =
      (level: string) =>
      (fields: Record<string, unknown> | string, msg?: string): void => {
        if (typeof fields === 'string') lines.push({ level, fields: bindings, msg: fields });
        else lines.push({ level, fields: { ...bindings, ...fields }, msg: msg ?? '' });
      };
    const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => [level, log(level)]);
    return { child: (more: Record<string, unknown>) => make({ ...bindings, ...more }), ...Object.fromEntries(levels) } as unknown as Logger;
  };
  return { logger: make({}), lines };
}

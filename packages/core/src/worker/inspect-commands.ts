import type { ControlCommand } from '../control/node-mailbox.js';
import { NO_REPLY } from '../control/node-mailbox.js';
import { BUILTIN_TASKS } from './builtin-tasks.js';
import type { ControlledWorker } from './controlled-worker.js';
import { requestInfo } from './request-info.js';
import { workerStats } from './worker-stats.js';

/** Celery's default `taskinfoitems` for `registered`. */
const TASK_INFO_ITEMS = ['exchange', 'routing_key', 'rate_limit'];

/**
 * The read-only commands (`celery inspect ...`, spec §9.4), with Celery's names, aliases and reply
 * shapes, so `celery inspect` and Flower read a tq worker as they read a Celery one.
 */
export function inspectCommands(worker: ControlledWorker): Record<string, ControlCommand> {
  const { rt } = worker;
  const held = (state: string, safe: unknown) =>
    [...rt.requests.values()].filter((r) => r.state === state).map((r) => requestInfo(r, rt.hostname, safe === true));
  const commands: Record<string, ControlCommand> = {
    ping: () => ({ ok: 'pong' }),
    clock: () => ({ clock: rt.host.clock.value }),
    hello: ({ from_node, revoked }) => {
      // Every starting Celery worker says hello (mingle), this one included: never answer itself.
      if (from_node === rt.hostname) return NO_REPLY;
      if (revoked && typeof revoked === 'object')
        for (const [id, at] of Object.entries(revoked)) rt.revoked.add(id, Number(at) || undefined);
      return { revoked: rt.revoked.toJSON(), clock: rt.host.clock.tick() };
    },
    active: ({ safe }) => held('active', safe),
    reserved: ({ safe }) => held('reserved', safe),
    scheduled: ({ safe }) =>
      [...rt.requests.values()]
        .filter((r) => r.state === 'scheduled')
        .map((r) => ({
          eta: r.message.headers.eta,
          priority: r.message.properties.priority ?? 0,
          request: requestInfo(r, rt.hostname, safe === true),
        })),
    revoked: () => rt.revoked.list(),
    registered: ({ taskinfoitems, builtins }) => {
      const items = Array.isArray(taskinfoitems) && taskinfoitems.length ? taskinfoitems.map(String) : TASK_INFO_ITEMS;
      const names = [...rt.host.taskNames(), ...(builtins ? Object.keys(BUILTIN_TASKS) : [])].sort();
      return names.map((name) => {
        const limiter = rt.rateLimiters.get(name);
        const rate = limiter === undefined ? rt.host.getTask(name)?.options.rateLimit : limiter?.rate;
        return items.includes('rate_limit') && rate ? `${name} [rate_limit=${rate}]` : name;
      });
    },
    stats: () => workerStats(worker),
    active_queues: () => worker.queues().map(kombuQueue),
    conf: () => ({
      broker_url: rt.host.describe().broker,
      result_backend: rt.host.describe().backend,
      task_default_queue: rt.host.defaultQueue,
      result_expires: rt.host.resultExpiresMs / 1000,
      worker_concurrency: worker.concurrency,
      worker_prefetch_multiplier: worker.prefetch / worker.concurrency,
    }),
    query_task: ({ ids }) => {
      const wanted = new Set(([] as unknown[]).concat(ids ?? []).map(String));
      const found: Record<string, [string, Record<string, unknown>]> = {};
      for (const request of rt.requests.values()) {
        const id = request.message.headers.id;
        if (wanted.has(id)) found[id] = [request.state === 'scheduled' ? 'reserved' : request.state, requestInfo(request, rt.hostname)];
      }
      return found;
    },
    report: () => ({
      ok: `software -> tq worker ${rt.hostname}\nplatform -> node ${process.version} ${process.platform} ${process.arch}\nbroker -> ${rt.host.describe().broker}\nresults -> ${rt.host.describe().backend}\n`,
    }),
  };
  // Celery's older names, still sent by some tools.
  return {
    ...commands,
    dump_active: commands.active as ControlCommand,
    dump_reserved: commands.reserved as ControlCommand,
    dump_schedule: commands.scheduled as ControlCommand,
    dump_revoked: commands.revoked as ControlCommand,
    dump_tasks: commands.registered as ControlCommand,
    dump_conf: commands.conf as ControlCommand,
  };
}

/** A consumed queue as kombu's `Queue.as_dict(recurse=True)` (direct exchange of the same name, as Celery declares task queues). */
function kombuQueue(name: string): Record<string, unknown> {
  return {
    name,
    exchange: {
      name,
      type: 'direct',
      arguments: null,
      durable: true,
      passive: false,
      auto_delete: false,
      delivery_mode: null,
      no_declare: false,
    },
    routing_key: name,
    queue_arguments: null,
    binding_arguments: null,
    consumer_arguments: null,
    durable: true,
    exclusive: false,
    auto_delete: false,
    no_ack: false,
    alias: null,
    bindings: [],
    no_declare: null,
    expires: null,
    message_ttl: null,
    max_length: null,
    max_length_bytes: null,
    max_priority: null,
  };
}

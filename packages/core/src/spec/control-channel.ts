/**
 * Celery's two monitoring planes as a transport moves them: remote control ("pidbox", spec §9)
 * and events ("celeryev", spec §8). Core owns the protocol: it encodes and decodes the JSON
 * bodies, keeps the Lamport clock, matches destinations and answers commands. A transport only
 * carries {@link PlaneMessage}s between processes, in kombu's layout where Celery has one (Redis,
 * RabbitMQ), so `celery inspect`, `celery events` and Flower share them with tq.
 */

/** One message on the control or event plane. */
export interface PlaneMessage {
  /** The UTF-8 JSON body, exactly as core encoded it (the transport never parses it). */
  body: Uint8Array;
  /**
   * kombu message headers: `{clock, expires}` on a request, `{ticket, clock}` on a reply,
   * `{hostname}` on an event. Numbers stay numbers (AMQP: `clock` as an integer field).
   */
  headers: Record<string, unknown>;
}

/** Remote control: requests fanned out to every node, replies sent to the caller's mailbox. */
export interface ControlChannel {
  /**
   * Send a request to every listening node (Celery: fanout exchange `celery.pidbox`). Nodes
   * filter on `destination` themselves. Best effort: a node that is not listening misses it.
   */
  broadcast(request: PlaneMessage): Promise<void>;
  /**
   * Receive every request as node `node` (Celery: queue `<node>.celery.pidbox`, or the pub/sub
   * channel on Redis) until the returned function is called. What a node's queue holds must
   * expire on its own once the node is gone (AMQP: `x-expires`), so a dead worker leaves nothing.
   */
  listen(node: string, handler: (request: PlaneMessage) => void): Promise<() => Promise<void>>;
  /**
   * Open reply mailbox `id` (Celery: queue `<id>.reply.celery.pidbox` bound to the direct
   * exchange `reply.celery.pidbox` with key `id`) and hand each reply to `handler` until the
   * returned function is called, which deletes the mailbox. If the caller dies first the mailbox
   * and anything in it must disappear by themselves within `ttlMs` (Celery leaks them: kombu#294).
   */
  openMailbox(id: string, ttlMs: number, handler: (reply: PlaneMessage) => void): Promise<() => Promise<void>>;
  /** Deliver a reply to mailbox `id`; dropped without error when the mailbox no longer exists. */
  reply(id: string, reply: PlaneMessage): Promise<void>;
}

/** Events: one-way, best effort, to every subscriber whose pattern matches. */
export interface EventChannel {
  /**
   * Publish under `routingKey` (`worker.heartbeat`, `task.multi`; Celery: exchange `celeryev`).
   * Dropped when nobody subscribes; never stored for later.
   */
  publish(routingKey: string, event: PlaneMessage): Promise<void>;
  /**
   * Receive events whose routing key matches `pattern`, an AMQP topic pattern (`#` for all,
   * `worker.#`), until the returned function is called. A subscriber's buffer must not outlive
   * it (auto-delete/expiring queue, pub/sub).
   */
  subscribe(pattern: string, handler: (routingKey: string, event: PlaneMessage) => void): Promise<() => Promise<void>>;
}

/** How many task ids to remember; the oldest go first. */
const CAPACITY = 50_000;

/**
 * Which reply queue each task delivered in this process asked for (`properties.reply_to`).
 *
 * The worker stores results with `backend.set(taskId, meta)`, which carries no message, yet the
 * rpc:// backend must publish to the caller's reply queue. Until core passes the reply-to along
 * (`SetResultOptions.replyTo`, requested from the lead), `AmqpBroker` records it here as it hands
 * out deliveries and `RpcResultBackend` looks it up. Bounded, so a long-running worker does not grow.
 */
class ReplyToRegistry {
  private readonly byTask = new Map<string, string>();

  remember(taskId: string, replyTo: string): void {
    this.byTask.delete(taskId);
    this.byTask.set(taskId, replyTo);
    if (this.byTask.size > CAPACITY) {
      const oldest = this.byTask.keys().next().value;
      if (oldest !== undefined) this.byTask.delete(oldest);
    }
  }

  lookup(taskId: string): string | undefined {
    return this.byTask.get(taskId);
  }
}

/** The process-wide registry. */
export const replyToRegistry = new ReplyToRegistry();

/** What `Worker.health()` answers (the body of a health endpoint). */
export interface WorkerHealth {
  /**
   * False once the worker went `stallAfterMs` without showing it consumes: ready messages waited
   * in its queues while it had room and nothing arrived, or its broker could not be asked. A
   * process in that state does not recover by itself (celery#10205): restart it.
   */
  live: boolean;
  /** Started, not shutting down, and its broker answered the last probe. */
  ready: boolean;
  /** Why it is not live or not ready; absent when both hold. */
  reason?: string;
  /** Ready messages in the consumed queues at the last probe (undefined when the probe failed). */
  readyMessages?: number;
  /** Deliveries held now (waiting for a slot, an eta or a rate limit, or running). */
  inFlight: number;
  /** Ms since the last delivery arrived (undefined before the first). */
  sinceLastDeliveryMs?: number;
}

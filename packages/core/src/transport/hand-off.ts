import type { Delivery, DeliveryHandler } from '../spec/broker.js';

/**
 * For transports: run the consumer's handler for one delivery in a microtask (never inside the
 * transport's own fetch loop) and call `done` once the handler's promise settles. No promise of
 * its own: this runs for every message. A handler that throws or rejects is a caller bug (the
 * worker's never does): `done` still runs, and the error goes to `onError`, or without one
 * surfaces as an unhandled rejection.
 */
export function handOff(handler: DeliveryHandler, delivery: Delivery, done: () => void, onError?: (error: unknown) => void): void {
  queueMicrotask(() => {
    let handled: Promise<void>;
    try {
      handled = handler(delivery);
    } catch (error) {
      handled = Promise.reject(error);
    }
    handled.then(done, (error: unknown) => {
      done();
      if (!onError) throw error;
      onError(error);
    });
  });
}

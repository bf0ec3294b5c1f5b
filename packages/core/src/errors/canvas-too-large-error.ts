import { TqError } from './tq-error.js';

/**
 * A message whose canvas (callbacks, errbacks, chain, chord, nested) is over `MAX_CANVAS_NODES`
 * signatures or `MAX_CANVAS_DEPTH` levels; nothing was sent. Workers refuse such messages on
 * receipt too, so sending it could only end in a dead letter.
 */
export class CanvasTooLargeError extends TqError {
  constructor(message: string) {
    super('TQ_CANVAS_TOO_LARGE', message);
  }
}

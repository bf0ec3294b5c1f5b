import { CanvasTooLargeError } from '../errors/canvas-too-large-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { UnsupportedCapabilityError } from '../errors/unsupported-capability-error.js';
import { canvasSizeProblem } from '../protocol/canvas-size-problem.js';
import { encodedBodyOf } from '../protocol/encode-body.js';
import type { BrokerCapabilities, PublishOptions } from '../spec/broker.js';
import type { TaskMessage } from '../spec/task-message.js';

/**
 * Every check a publish passes before a transport sees it, in one place: delay, priority and
 * ordering against the broker's capabilities, the canvas against its limits (`MAX_CANVAS_NODES`,
 * `MAX_CANVAS_DEPTH`), and the encoded body against `maxMessageBytes`.
 * Returns the options the transport gets (a delay beyond `maxDelayMs` is cut to it: the eta header
 * makes the receiving worker wait out the remainder, a "hop").
 *
 * @throws UnsupportedCapabilityError for an option the broker cannot honour (never a silent no-op)
 * @throws ConfigurationError for a priority outside 0–9
 * @throws CanvasTooLargeError naming the limit passed
 * @throws PayloadTooLargeError naming both sizes, before anything is sent
 */
export function checkPublish(caps: BrokerCapabilities, message: TaskMessage, options: PublishOptions): PublishOptions {
  const name = message.headers.task;
  let checked = options;
  if (options.delayMs !== undefined && options.delayMs > 0) {
    if (!caps.delay) {
      throw new UnsupportedCapabilityError(
        'delay',
        `This broker cannot delay messages, so '${name}' cannot have a countdown, eta or retry backoff.`,
      );
    }
    if (options.delayMs > caps.delay.maxDelayMs) checked = { ...options, delayMs: caps.delay.maxDelayMs };
  }
  if (options.priority !== undefined) {
    if (!caps.priority) {
      throw new UnsupportedCapabilityError('priority', `This broker has no priorities; remove 'priority' from the call of '${name}'.`);
    }
    if (!Number.isInteger(options.priority) || options.priority < 0 || options.priority > 9) {
      throw new ConfigurationError(`Priority must be an integer 0–9 (9 runs first); got ${options.priority} for '${name}'.`);
    }
  }
  if (options.orderingKey !== undefined && caps.ordering !== 'per-key') {
    throw new UnsupportedCapabilityError('ordering', `This broker cannot order by key; remove 'orderingKey' from the call of '${name}'.`);
  }
  const canvas = canvasSizeProblem(message.body[2]);
  if (canvas) throw new CanvasTooLargeError(`Message ${message.headers.id} (${name}) cannot be sent: ${canvas}.`);
  const size = encodedBodyOf(message).byteLength;
  if (size > caps.maxMessageBytes) {
    throw new PayloadTooLargeError(`Message ${message.headers.id} (${name})`, size, caps.maxMessageBytes);
  }
  return checked;
}

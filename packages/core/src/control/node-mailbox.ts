import type { Logger } from 'pino';
import { exceptionRepr } from '../protocol/python-repr.js';
import type { ControlChannel, PlaneMessage } from '../spec/control-channel.js';
import { addressedTo } from './addressed-to.js';
import { encodeControlReply } from './control-reply.js';
import { decodeControlRequest } from './control-request.js';
import type { LogicalClock } from './logical-clock.js';

/** What a command gets besides its arguments. */
export interface CommandCall {
  /** The sender wants a reply (a request, not a cast). */
  readonly wantsReply: boolean;
  /** Run `action` once the reply went out, or at once when none is wanted (`shutdown` answers before it closes). */
  afterReply(action: () => void): void;
}

/** A command's reply (any JSON value), or {@link NO_REPLY} to stay silent (`hello` from itself). */
export type ControlCommand = (args: Record<string, unknown>, call: CommandCall) => unknown;

/** Returned by a command that must not answer this request. */
export const NO_REPLY: unique symbol = Symbol('no reply');

/**
 * A node's end of remote control (kombu's `pidbox.Node`): receives every request as node `node`,
 * ignores malformed, expired and not-addressed ones, runs the named command and replies to the
 * caller's mailbox. Nothing a request does can take the node down: failures become `{ error }`
 * replies and warnings.
 */
export class NodeMailbox {
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly channel: ControlChannel,
    /** This node's name, e.g. `tq@web1`. */
    readonly node: string,
    private readonly commands: Readonly<Record<string, ControlCommand>>,
    private readonly clock: LogicalClock,
    private readonly logger: Logger,
  ) {}

  /** Start listening. */
  async start(): Promise<void> {
    this.stopListening ??= await this.channel.listen(this.node, (message) => {
      this.receive(message).catch((error: unknown) => this.logger.warn({ err: error }, 'control request failed'));
    });
  }

  /** Stop listening (idempotent). Requests being handled still reply. */
  async stop(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

  private async receive(message: PlaneMessage): Promise<void> {
    const received = decodeControlRequest(message);
    if ('problem' in received) return this.logger.warn({ problem: received.problem }, 'ignored a malformed control request');
    const { request } = received;
    this.clock.observe(received.clock);
    if (received.expires && Date.now() / 1000 > received.expires) {
      return this.logger.debug({ method: request.method }, 'ignored an expired control request');
    }
    if (!addressedTo(request, this.node)) return;
    const after: (() => void)[] = [];
    const call: CommandCall = { wantsReply: request.reply_to !== undefined, afterReply: (action) => after.push(action) };
    const reply = await this.run(request.method, request.arguments, call);
    if (request.reply_to && request.ticket !== undefined && reply !== NO_REPLY) {
      const encoded = encodeControlReply(this.node, reply, request.ticket, this.clock.tick());
      await this.channel
        .reply(request.reply_to.routing_key, encoded)
        .catch((error: unknown) => this.logger.warn({ err: error, method: request.method }, 'could not send a control reply'));
    }
    for (const action of after) action();
  }

  private async run(method: string, args: Record<string, unknown>, call: CommandCall): Promise<unknown> {
    const command = Object.hasOwn(this.commands, method) ? this.commands[method] : undefined;
    if (!command) {
      this.logger.warn({ method }, `unknown control command '${method}'`);
      return { error: `unknown command '${method}'` };
    }
    try {
      return await command(args, call);
    } catch (error) {
      this.logger.warn({ err: error, method }, `control command '${method}' failed`);
      return { error: exceptionRepr(error) };
    }
  }
}

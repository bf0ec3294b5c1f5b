import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { AmqpLogger } from '../logger.js';

/**
 * Opens a channel with an 'error' listener attached: the server closes channels on errors
 * (PRECONDITION_FAILED, unknown delivery tag, consumer_timeout), and an unheard 'error' event
 * would crash the process. The failure still reaches whoever awaits the failed operation.
 */
export async function openChannel(model: ChannelModel, logger: AmqpLogger, what: string): Promise<Channel> {
  return guard(await model.createChannel(), logger, what);
}

/** Like {@link openChannel}, in confirm mode (publisher confirms). */
export async function openConfirmChannel(model: ChannelModel, logger: AmqpLogger, what: string): Promise<ConfirmChannel> {
  return guard(await model.createConfirmChannel(), logger, what);
}

function guard<C extends Channel>(channel: C, logger: AmqpLogger, what: string): C {
  channel.on('error', (err: Error) => {
    // Connection-level loss is logged by the connection; channel errors are worth a line here.
    if (!/CONNECTION|Connection closed|Socket closed/i.test(err.message)) logger.warn({ err }, `${what}: channel closed by the server`);
  });
  return channel;
}

/** Close a channel that may already be closed. */
export async function closeQuietly(channel: Channel | undefined): Promise<void> {
  await channel?.close().catch(() => {});
}

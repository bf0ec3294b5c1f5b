import type { Logger } from '@tq/core';
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';

/**
 * Opens a channel with an 'error' listener attached: the server closes channels on errors
 * (PRECONDITION_FAILED, unknown delivery tag, consumer_timeout), and an unheard 'error' event
 * would crash the process. The failure still reaches whoever awaits the failed operation; it is
 * logged too unless `logger` is undefined (a channel whose errors are expected, e.g. a passive declare).
 */
export async function openChannel(model: ChannelModel, what: string, logger: Logger | undefined): Promise<Channel> {
  return guard(await model.createChannel(), what, logger);
}

/** Like {@link openChannel}, in confirm mode (publisher confirms). */
export async function openConfirmChannel(model: ChannelModel, what: string, logger: Logger): Promise<ConfirmChannel> {
  return guard(await model.createConfirmChannel(), what, logger);
}

function guard<C extends Channel>(channel: C, what: string, logger: Logger | undefined): C {
  channel.on('error', (err: Error) => {
    // Connection-level loss is logged by the connection; channel errors are worth a line here.
    if (!logger || /CONNECTION|Connection closed|Socket closed/i.test(err.message)) return;
    logger.warn({ err }, `${what}: channel closed by the server`);
  });
  return channel;
}

/** Close a channel that may already be closed. */
export async function closeQuietly(channel: Channel | undefined): Promise<void> {
  await channel?.close().catch(() => {});
}

import { isRecord } from '../protocol/is-record.js';
import type { PlaneMessage } from '../spec/control-channel.js';
import { decodePlaneJson, encodePlaneJson, numberHeader } from './plane-json.js';

/** Celery's reply exchange (spec §9.1), named in every request that wants replies. */
export const REPLY_EXCHANGE = 'reply.celery.pidbox';

/** A pidbox request body (spec §9.2), with Celery's field names. */
export interface ControlRequest {
  /** The command, e.g. `ping`, `revoke`. */
  method: string;
  /** Its keyword arguments. */
  arguments: Record<string, unknown>;
  /** Nodes that should act; null for all. */
  destination: string[] | null;
  /** Node-name pattern, used only with `matcher` and without `destination`. */
  pattern: string | null;
  /** `glob` or `pcre`. */
  matcher: string | null;
  /** Present when replies are wanted: they carry it in their `ticket` header. */
  ticket?: string;
  /** Present when replies are wanted: where they go (`routing_key` is the caller's mailbox id). */
  reply_to?: { exchange: string; routing_key: string };
}

/** A request as a node received it. */
export interface ReceivedRequest {
  request: ControlRequest;
  /** The sender's Lamport clock. */
  clock: number;
  /** Unix seconds after which the request is to be ignored; 0 for never. */
  expires: number;
}

/** Encode a request with its headers: `clock`, and `expires` in unix seconds (0 for never), as kombu sends them. */
export function encodeControlRequest(request: ControlRequest, clock: number, expires: number): PlaneMessage {
  return { body: encodePlaneJson(request), headers: { clock, expires } };
}

/** Decode a request, or say why it is not one (a node logs that and goes on). */
export function decodeControlRequest(message: PlaneMessage): ReceivedRequest | { problem: string } {
  let body: unknown;
  try {
    body = decodePlaneJson(message.body);
  } catch (error) {
    return { problem: `body is not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(body) || typeof body.method !== 'string') return { problem: 'body has no method' };
  const destination = body.destination;
  if (destination != null && !(Array.isArray(destination) && destination.every((d) => typeof d === 'string')))
    return { problem: 'destination is not a list of node names' };
  const replyTo = body.reply_to;
  const wantsReply = isRecord(replyTo) && typeof replyTo.routing_key === 'string' && typeof body.ticket === 'string';
  const request: ControlRequest = {
    method: body.method,
    arguments: isRecord(body.arguments) ? body.arguments : {},
    destination: (destination as string[] | null | undefined) ?? null,
    pattern: typeof body.pattern === 'string' ? body.pattern : null,
    matcher: typeof body.matcher === 'string' ? body.matcher : null,
    ...(wantsReply
      ? {
          ticket: body.ticket as string,
          reply_to: { exchange: String(replyTo.exchange ?? REPLY_EXCHANGE), routing_key: replyTo.routing_key as string },
        }
      : {}),
  };
  return { request, clock: numberHeader(message.headers.clock), expires: numberHeader(message.headers.expires) };
}

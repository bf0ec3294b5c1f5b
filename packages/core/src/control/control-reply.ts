import { isRecord } from '../protocol/is-record.js';
import type { PlaneMessage } from '../spec/control-channel.js';
import type { ControlReply } from './control-target.js';
import { decodePlaneJson, encodePlaneJson, numberHeader } from './plane-json.js';

/** Replies as a caller received them. */
export interface ReceivedReplies {
  /** The request's ticket, from the `ticket` header; undefined when absent. */
  ticket: string | undefined;
  /** The replying node's Lamport clock. */
  clock: number;
  /** One per key of the body (in practice one: the node that answered). */
  replies: ControlReply[];
}

/**
 * Encode node `node`'s answer as kombu does (spec §9.3): body `{"<node>": value}`, headers
 * `{ticket, clock}`. A command that returns nothing answers null, like Python's None.
 */
export function encodeControlReply(node: string, value: unknown, ticket: string, clock: number): PlaneMessage {
  return { body: encodePlaneJson({ [node]: value === undefined ? null : value }), headers: { ticket, clock } };
}

/** Decode a reply, or say why it is not one. */
export function decodeControlReply(message: PlaneMessage): ReceivedReplies | { problem: string } {
  let body: unknown;
  try {
    body = decodePlaneJson(message.body);
  } catch (error) {
    return { problem: `body is not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(body)) return { problem: 'body is not a mapping of node names to replies' };
  const ticket = message.headers.ticket;
  return {
    ticket: typeof ticket === 'string' ? ticket : undefined,
    clock: numberHeader(message.headers.clock),
    replies: Object.entries(body).map(([node, reply]) => ({ node, reply })),
  };
}

import { randomUUID } from 'node:crypto';
import { createTaskMessage, type TaskMessage } from '@tq/core';

/** What varies between the suite's test messages. */
export interface SampleMessageInput {
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  priority?: number;
}

/** A real protocol v2 task message with a fresh id (`headers.id`). */
export function sampleMessage(input: SampleMessageInput = {}): TaskMessage {
  return createTaskMessage({ task: 'tq.conformance.echo', id: randomUUID(), ...input });
}

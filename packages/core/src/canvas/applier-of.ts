import { ConfigurationError } from '../errors/configuration-error.js';
import type { CanvasApplier } from './canvas-applier.js';
import type { AnyNode } from './canvas-node.js';

/** The app that sends a composite: the first member's (every node built from a task carries one). */
export function applierOf(nodes: readonly AnyNode[]): CanvasApplier {
  for (const node of nodes) {
    if ('applier' in node) return node.applier as CanvasApplier;
  }
  throw new ConfigurationError('A canvas needs at least one task signature (built with task.s() or task.si()).');
}

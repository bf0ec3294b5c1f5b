import type { Embed } from '../spec/task-message.js';
import { isRecord } from './is-record.js';

/**
 * Most signatures one message may carry in its canvas (callbacks, errbacks, chain steps, chord
 * bodies and everything nested in them): 10,000. Each chain step re-sends the rest of the chain,
 * so a chain of n steps moves n²/2 signatures in all; beyond this a workflow belongs in a group of
 * chains or a loop that sends the next batch, not in one message.
 */
export const MAX_CANVAS_NODES = 10_000;

/**
 * Deepest nesting of signatures inside signatures (a callback's callback, a chord in a chain in a
 * chord): 100. Real workflows nest a handful deep; canvas code walks signatures recursively, so an
 * unbounded depth would let one message overflow a worker's stack.
 */
export const MAX_CANVAS_DEPTH = 100;

/** Option and kwarg keys under which a signature holds other signatures. */
const NESTED_OPTIONS = ['link', 'link_error', 'chain', 'chord'] as const;
const NESTED_KWARGS = ['tasks', 'header', 'body'] as const;

/**
 * What is wrong with the size of the canvas in `embed`, or `undefined` when it is within
 * {@link MAX_CANVAS_NODES} and {@link MAX_CANVAS_DEPTH}. Counts every signature reached through
 * the embed's lists and, inside signatures, through `options.link`/`link_error`/`chain`/`chord` and
 * a composite's `kwargs.tasks`/`header`/`body`. Iterative, and stops at the first limit passed.
 */
export function canvasSizeProblem(embed: Embed): string | undefined {
  const stack: [unknown, number][] = [];
  const push = (value: unknown, depth: number) => {
    if (Array.isArray(value)) for (const item of value) stack.push([item, depth]);
    else if (isRecord(value)) stack.push([value, depth]);
  };
  push(embed.callbacks, 1);
  push(embed.errbacks, 1);
  push(embed.chain, 1);
  push(embed.chord, 1);
  let nodes = 0;
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [sig, depth] = next;
    if (!isRecord(sig)) continue;
    if (++nodes > MAX_CANVAS_NODES) {
      return `its canvas has more than ${MAX_CANVAS_NODES} signatures (callbacks, errbacks, chain steps and chord parts, nested ones included); split the workflow into several messages`;
    }
    if (depth > MAX_CANVAS_DEPTH) {
      return `its canvas nests signatures deeper than ${MAX_CANVAS_DEPTH} levels (a callback of a callback, a chord in a chain, ...); flatten the workflow`;
    }
    const { options, kwargs } = sig;
    if (isRecord(options)) for (const key of NESTED_OPTIONS) push(options[key], depth + 1);
    if (isRecord(kwargs)) for (const key of NESTED_KWARGS) push(kwargs[key], depth + 1);
  }
  return undefined;
}

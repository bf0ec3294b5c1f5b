import type { AsyncResult } from '../result/async-result.js';
import type { SignatureJson } from '../spec/task-message.js';
import { applierOf } from './applier-of.js';
import type { ApplyOptions } from './apply-options.js';
import type { CanvasApplier } from './canvas-applier.js';
import type { Accepts, AnyNode, CanvasNode, InOf, OutOf } from './canvas-node.js';
import { sendNode } from './send-node.js';
import type { MismatchProblem, StepMismatch } from './step-mismatch.js';

/**
 * Each step after the first must accept the previous step's result; a mismatched step becomes a
 * {@link StepMismatch} naming its number (from 1), the result it would get and the arguments it takes.
 */
export type CheckChain<Steps extends readonly AnyNode[], Done extends unknown[] = [], Prev = never> = Steps extends readonly [
  infer Head extends AnyNode,
  ...infer Tail extends AnyNode[],
]
  ? [
      Done extends []
        ? Head
        : Accepts<Head, Prev> extends true
          ? Head
          : StepMismatch<
              `chain step ${[...Done, Head]['length']}: ${MismatchProblem<Head, Prev, `step ${Done['length']}'s result`>}`,
              Prev,
              InOf<Head>
            >,
      ...CheckChain<Tail, [...Done, Head], OutOf<Head>>,
    ]
  : [];

type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L] ? L : never;

/** Steps that run one after the other, each receiving the previous result as its first argument. */
export class Chain<In extends unknown[], Out> implements CanvasNode<In, Out> {
  declare readonly __in?: (...args: In) => void;
  declare readonly __out?: Out;
  readonly immutable = false;

  constructor(
    /** @internal the app that sends this node */
    readonly applier: CanvasApplier,
    readonly steps: readonly AnyNode[],
    readonly options: Readonly<Record<string, unknown>> = {},
  ) {}

  /** Send the chain; the missing arguments go to its first step. Resolves to the last step's result. */
  delay(...missing: In): Promise<AsyncResult<Out>> {
    return this.applyAsync(missing);
  }

  /** Send with options (applied to the first step: queue, countdown, priority, ...). */
  applyAsync(missing: In, options: ApplyOptions = {}): Promise<AsyncResult<Out>> {
    return sendNode(this.applier, this.toJSON(), missing, options) as Promise<AsyncResult<Out>>;
  }

  toJSON(): SignatureJson {
    return {
      task: 'celery.chain',
      args: [],
      kwargs: { tasks: this.steps.map((step) => step.toJSON()) },
      options: structuredClone(this.options) as Record<string, unknown>,
      subtask_type: 'chain',
      immutable: false,
    };
  }
}

/**
 * `chain(a, b, c)`: run `a`, then `b(resultOfA, ...)`, then `c(resultOfB, ...)`.
 * Does not compile when a step cannot take the previous step's result.
 */
export function chain<const Steps extends readonly [AnyNode, ...AnyNode[]]>(
  ...steps: Steps & CheckChain<Steps>
): Chain<InOf<Steps[0]>, OutOf<Last<Steps>>> {
  return new Chain(applierOf(steps), steps);
}

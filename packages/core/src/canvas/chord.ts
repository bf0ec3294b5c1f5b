import type { AsyncResult } from '../result/async-result.js';
import type { SignatureJson } from '../spec/task-message.js';
import { applierOf } from './applier-of.js';
import type { ApplyOptions } from './apply-options.js';
import type { CanvasApplier } from './canvas-applier.js';
import type { Accepts, AnyNode, CanvasNode, InOf, OutOf } from './canvas-node.js';
import type { GroupIn, OutsOf } from './group.js';
import { Group } from './group.js';
import { sendNode } from './send-node.js';
import type { MismatchProblem, StepMismatch } from './step-mismatch.js';

/** A group whose tuple of results goes to one body task, once, when every member has finished. */
export class Chord<In extends unknown[], Out> implements CanvasNode<In, Out> {
  declare readonly __in?: (...args: In) => void;
  declare readonly __out?: Out;
  readonly immutable = false;

  constructor(
    /** @internal the app that sends this node */
    readonly applier: CanvasApplier,
    readonly header: readonly AnyNode[],
    readonly body: AnyNode,
    readonly options: Readonly<Record<string, unknown>> = {},
  ) {}

  /** Send the header; the missing arguments are prepended to each header member. */
  delay(...missing: In): Promise<AsyncResult<Out>> {
    return this.applyAsync(missing);
  }

  /** Send with options (applied to every header member). */
  applyAsync(missing: In, options: ApplyOptions = {}): Promise<AsyncResult<Out>> {
    return sendNode(this.applier, this.toJSON(), missing, options) as Promise<AsyncResult<Out>>;
  }

  toJSON(): SignatureJson {
    return {
      task: 'celery.chord',
      args: [],
      kwargs: {
        header: new Group(this.applier, this.header).toJSON(),
        body: this.body.toJSON(),
        kwargs: {},
      },
      options: structuredClone(this.options) as Record<string, unknown>,
      subtask_type: 'chord',
      immutable: false,
    };
  }
}

/**
 * `chord([a, b], body)`: run `a` and `b` in parallel, then `body([resultA, resultB])`.
 * Does not compile when `body` cannot take the tuple of header results.
 */
export function chord<const Header extends readonly AnyNode[], Body extends AnyNode>(
  header: Header,
  body: Body &
    (Accepts<Body, OutsOf<Header>> extends true
      ? unknown
      : StepMismatch<`chord body: ${MismatchProblem<Body, OutsOf<Header>, "the header's results">}`, OutsOf<Header>, InOf<Body>>),
): Chord<GroupIn<Header>, OutOf<Body>> {
  return new Chord(applierOf([...header, body]), header, body);
}

import type { GroupResult } from '../result/group-result.js';
import type { SignatureJson } from '../spec/task-message.js';
import { applierOf } from './applier-of.js';
import type { ApplyOptions } from './apply-options.js';
import type { CanvasApplier } from './canvas-applier.js';
import type { AnyNode, CanvasNode, InOf, OutOf } from './canvas-node.js';
import { sendNode } from './send-node.js';

/** The result tuple of a list of nodes. */
export type OutsOf<Members extends readonly AnyNode[]> = { -readonly [K in keyof Members]: OutOf<Members[K]> };

/** The missing arguments of a group: those of its first member that takes any (all get the same). */
export type GroupIn<Members extends readonly AnyNode[]> = Members extends readonly [infer Head, ...infer Tail extends AnyNode[]]
  ? InOf<Head> extends []
    ? GroupIn<Tail>
    : InOf<Head>
  : [];

/** Members that run in parallel; the result is the tuple of their results. */
export class Group<In extends unknown[], Out extends unknown[]> implements CanvasNode<In, Out> {
  declare readonly __in?: (...args: In) => void;
  declare readonly __out?: Out;
  readonly immutable = false;

  constructor(
    /** @internal the app that sends this node */
    readonly applier: CanvasApplier,
    readonly members: readonly AnyNode[],
    readonly options: Readonly<Record<string, unknown>> = {},
  ) {}

  /** Send every member; the missing arguments are prepended to each. */
  delay(...missing: In): Promise<GroupResult<Out>> {
    return this.applyAsync(missing);
  }

  /** Send with options (applied to every member). */
  applyAsync(missing: In, options: ApplyOptions = {}): Promise<GroupResult<Out>> {
    return sendNode(this.applier, this.toJSON(), missing, options) as Promise<GroupResult<Out>>;
  }

  toJSON(): SignatureJson {
    return {
      task: 'celery.group',
      args: [],
      kwargs: { tasks: this.members.map((member) => member.toJSON()) },
      options: structuredClone(this.options) as Record<string, unknown>,
      subtask_type: 'group',
      immutable: false,
    };
  }
}

/** `group(a, b)`: run `a` and `b` in parallel. */
export function group<const Members extends readonly AnyNode[]>(...members: Members): Group<GroupIn<Members>, OutsOf<Members>> {
  return new Group(applierOf(members), members);
}

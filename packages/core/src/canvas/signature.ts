import type { AsyncResult } from '../result/async-result.js';
import type { SignatureJson } from '../spec/task-message.js';
import type { ApplyOptions } from './apply-options.js';
import { applyOptionsToJson } from './apply-options.js';
import type { CanvasApplier } from './canvas-applier.js';
import type { CanvasNode } from './canvas-node.js';
import type { TaskApplyOptions } from './task-apply-options.js';

/**
 * A task call, with some or all of its arguments bound: `add.s(2)` is `add(<parent result>, 2)`,
 * `add.s(2, 3)` is `add(2, 3)`, `add.si(2, 3)` ignores the parent's result.
 */
export class Signature<In extends unknown[], Out, Imm extends boolean = false> implements CanvasNode<In, Out> {
  declare readonly __in?: (...args: In) => void;
  declare readonly __out?: Out;

  constructor(
    /** @internal the app that sends this node */
    readonly applier: CanvasApplier,
    readonly taskName: string,
    readonly args: readonly unknown[],
    readonly immutable: Imm,
    readonly options: Readonly<Record<string, unknown>> = {},
    /** Keyword arguments: empty for tq tasks; Celery's built-ins (`celery.map`, ...) take theirs here. */
    readonly kwargs: Readonly<Record<string, unknown>> = {},
    /** Celery's `subtask_type`: null for a task, `xmap`/`xstarmap` for the built-ins. */
    readonly subtaskType: string | null = null,
  ) {}

  private with(options: Record<string, unknown>): Signature<In, Out, Imm> {
    return new Signature(this.applier, this.taskName, this.args, this.immutable, options, this.kwargs, this.subtaskType);
  }

  /** A copy with more call options (queue, countdown, priority, link, ...). */
  set(options: ApplyOptions): Signature<In, Out, Imm> {
    return this.with({ ...this.options, ...applyOptionsToJson(options) });
  }

  /** Run `callback` with this task's result prepended when it succeeds. */
  link(callback: CanvasNode<[Out], unknown> | CanvasNode<[], unknown>): Signature<In, Out, Imm> {
    const link = [...((this.options.link as SignatureJson[] | undefined) ?? []), callback.toJSON()];
    return this.with({ ...this.options, link });
  }

  /** Run `errback` with the failed task's id as its first argument when this task fails. */
  linkError(errback: CanvasNode<[taskId: string], unknown> | CanvasNode<[], unknown>): Signature<In, Out, Imm> {
    const linkError = [...((this.options.link_error as SignatureJson[] | undefined) ?? []), errback.toJSON()];
    return this.with({ ...this.options, link_error: linkError });
  }

  /** Send it; the missing arguments go first (`add.s(2).delay(5)` runs `add(5, 2)`). */
  delay(...missing: In): Promise<AsyncResult<Out>> {
    return this.applyAsync(missing);
  }

  /** Send it with call options (`deduplicate` too: see {@link TaskApplyOptions}). */
  applyAsync(missing: In, options: TaskApplyOptions = {}): Promise<AsyncResult<Out>> {
    const { deduplicate, ...callOptions } = options;
    return this.applier.applyNode(this.set(callOptions).toJSON(), missing, { deduplicate }) as Promise<AsyncResult<Out>>;
  }

  toJSON(): SignatureJson {
    return {
      task: this.taskName,
      args: [...this.args],
      kwargs: structuredClone(this.kwargs) as Record<string, unknown>,
      options: structuredClone(this.options) as Record<string, unknown>,
      subtask_type: this.subtaskType,
      immutable: this.immutable,
    };
  }
}

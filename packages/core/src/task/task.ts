import type { CanvasApplier } from '../canvas/canvas-applier.js';
import { Group } from '../canvas/group.js';
import { Signature } from '../canvas/signature.js';
import type { TaskApplyOptions } from '../canvas/task-apply-options.js';
import type { AsyncResult } from '../result/async-result.js';
import { checkMaxDeliveries } from './max-deliveries.js';
import { ParameterList } from './parameter-list.js';
import type { TaskOptions } from './task-options.js';

/** Every suffix of a tuple: the argument lists `s()` can bind (the parent result fills the rest). */
export type Suffixes<A extends unknown[]> = A | (A extends [unknown, ...infer Rest] ? Suffixes<Rest> : never);

/** The leading parameters of `A` left after binding the suffix `P`. */
export type LeadingOf<A extends unknown[], P extends unknown[]> = P['length'] extends A['length']
  ? []
  : A extends [infer Head, ...infer Tail]
    ? [Head, ...LeadingOf<Tail, P>]
    : [];

/** A task function: positional arguments and a result that the wire carries (`app.task` checks them: see `WireSafe`). */
// biome-ignore lint/suspicious/noExplicitAny: task arguments are whatever the function declares
export type TaskFunction<A extends unknown[] = any[], R = unknown> = (...args: A) => R | Promise<R>;

/** A registered task: call it remotely with `delay`/`applyAsync`, compose it with `s`/`si`. */
export class Task<A extends unknown[], R> {
  /** Declared parameters, for argument checks and Celery kwargs. */
  readonly parameters: ParameterList;

  constructor(
    /** @internal */
    readonly applier: CanvasApplier,
    readonly name: string,
    readonly options: Readonly<TaskOptions>,
    readonly fn: TaskFunction<A, R>,
  ) {
    this.parameters = ParameterList.of(fn);
    checkMaxDeliveries(`task '${name}'`, options.maxDeliveries);
  }

  /** Send a call; resolves once the broker has it. */
  delay(...args: A): Promise<AsyncResult<R>> {
    return this.applyAsync(args);
  }

  /** Send a call with options (countdown, eta, expires, priority, queue, taskId, deduplicate, headers, ...). */
  applyAsync(args: A, options: TaskApplyOptions = {}): Promise<AsyncResult<R>> {
    return this.si(...args).applyAsync([], options);
  }

  /** A signature binding the LAST arguments; the parent's result fills the first ones in a chain. */
  s<const P extends Suffixes<A>>(...args: P): Signature<LeadingOf<A, P>, R> {
    return new Signature(this.applier, this.name, args, false, this.defaultOptions());
  }

  /** An immutable signature: all arguments bound; ignores the parent's result. */
  si(...args: A): Signature<[], R, true> {
    return new Signature(this.applier, this.name, args, true, this.defaultOptions());
  }

  /** One task that calls this one for each item, in order, and returns the list of results. */
  map(items: readonly A[0][]): Signature<[], R[], true> {
    return this.builtin('celery.map', 'xmap', { it: items });
  }

  /** Like `map`, each item being the whole argument list. */
  starmap(items: readonly A[]): Signature<[], R[], true> {
    return this.builtin('celery.starmap', 'xstarmap', { it: items });
  }

  /** Split `items` into chunks of `size`, each run as one `starmap` task, in parallel. */
  chunks(items: readonly A[], size: number): Group<[], R[][]> {
    const parts: Signature<[], R[], true>[] = [];
    for (let i = 0; i < items.length; i += size) parts.push(this.starmap(items.slice(i, i + size)));
    return new Group(this.applier, parts);
  }

  /** The task's default call options, as Celery option keys. */
  private defaultOptions(): Record<string, unknown> {
    const json: Record<string, unknown> = {};
    if (this.options.queue !== undefined) json.queue = this.options.queue;
    if (this.options.priority !== undefined) json.priority = this.options.priority;
    return json;
  }

  private builtin<Out>(name: string, type: string, kwargs: Record<string, unknown>): Signature<[], Out, true> {
    const inner = { task: this.name, args: [], kwargs: {}, options: {}, subtask_type: null, immutable: false };
    return new Signature(this.applier, name, [], true, this.defaultOptions(), { task: inner, ...kwargs }, type);
  }
}

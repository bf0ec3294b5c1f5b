import type { SignatureJson } from '../spec/task-message.js';

/**
 * Anything that can be applied: a task signature, a chain, a group, a chord.
 *
 * `In` is the tuple of arguments still missing (the parent's result fills the first one when the
 * node runs inside a chain); `Out` is what the node produces. Both exist for the compiler only:
 * at run time a node is its Celery signature JSON.
 */
export interface CanvasNode<In extends unknown[] = unknown[], Out = unknown> {
  /** Phantom: the missing arguments. Never set. */
  readonly __in?: (...args: In) => void;
  /** Phantom: the result type. Never set. */
  readonly __out?: Out;
  /** Immutable nodes (`.si()`) ignore the parent's result. */
  readonly immutable: boolean;
  /** The Celery signature dict (spec §1.4); a fresh copy each call. */
  toJSON(): SignatureJson;
}

/** Any canvas node, whatever its types. */
// biome-ignore lint/suspicious/noExplicitAny: the widest node, used only as a constraint
export type AnyNode = CanvasNode<any, any>;

/** The result type of a node. */
export type OutOf<N> = N extends CanvasNode<infer _In, infer Out> ? Out : never;

/** The missing arguments of a node. */
export type InOf<N> = N extends CanvasNode<infer In, infer _Out> ? In : never;

/** True when `N` can run with the parent result `R` prepended (or ignores it). */
export type Accepts<N, R> = N extends { readonly immutable: true }
  ? true
  : InOf<N> extends [infer First, ...infer Rest]
    ? [R] extends [First]
      ? Partial<Rest> extends Rest
        ? true
        : false
      : false
    : false;

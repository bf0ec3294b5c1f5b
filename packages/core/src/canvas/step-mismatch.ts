import type { InOf } from './canvas-node.js';

declare const mismatch: unique symbol;

/**
 * What a canvas step that cannot take its input becomes in the types, so that the compiler's error says
 * which step, what it was given and what it takes, e.g. `... is not assignable to type
 * 'StepMismatch<"chain step 2: its first parameter does not accept step 1's result", number, [string]>'`
 * (`Receives`: the previous result; `StepParameters`: the arguments the step still misses). No value has
 * this type: its key is a symbol nothing carries.
 */
export interface StepMismatch<Problem extends string, Receives, StepParameters> {
  readonly [mismatch]: { problem: Problem; receives: Receives; stepParameters: StepParameters };
}

/** Why node `N` cannot run with `Given` prepended, for a node `Accepts` refused; `given` names it in the sentence. */
export type MismatchProblem<N, Given, given extends string> =
  InOf<N> extends []
    ? `all its arguments are bound, so ${given} would be one too many (use .si() to ignore it)`
    : InOf<N> extends [infer First, ...unknown[]]
      ? [Given] extends [First]
        ? `it takes more arguments than ${given} alone (bind the rest in .s())`
        : `its first parameter does not accept ${given}`
      : `it cannot take ${given}`;

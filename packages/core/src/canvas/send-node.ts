import type { SignatureJson } from '../spec/task-message.js';
import type { ApplyOptions } from './apply-options.js';
import { applyOptionsToJson } from './apply-options.js';
import type { CanvasApplier } from './canvas-applier.js';

/** Send a composite's signature with call options added to its own; the caller types the handle. */
export function sendNode(applier: CanvasApplier, json: SignatureJson, missing: readonly unknown[], options: ApplyOptions) {
  Object.assign(json.options, applyOptionsToJson(options));
  return applier.applyNode(json, missing);
}

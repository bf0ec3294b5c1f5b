import type { AsyncResult } from '../result/async-result.js';
import type { GroupResult } from '../result/group-result.js';
import type { SignatureJson } from '../spec/task-message.js';

/** What a canvas node needs from its app to be sent. Each `App` hands its own to the tasks it defines (not part of App's public type). */
export interface CanvasApplier {
  /**
   * Publish a signature (any kind) with `prepend` before its bound args; returns its result handle.
   * With `deduplicate` (one task with a `task_id`), only if that id is not claimed already.
   */
  applyNode(
    signature: SignatureJson,
    prepend: readonly unknown[],
    call?: { deduplicate?: boolean },
  ): Promise<AsyncResult<unknown> | GroupResult<unknown[]>>;
}

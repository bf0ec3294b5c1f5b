import { TqError } from './tq-error.js';

/**
 * What `AsyncResult.get()` rejects with when the task failed: the remote error's type
 * (`remoteType`, e.g. `TypeError`), message and stack (`remoteStack`), wherever it ran.
 */
export class RemoteTaskError extends TqError {
  readonly taskId: string;
  readonly remoteType: string;
  readonly remoteModule: string;
  readonly remoteStack: string | null;

  constructor(taskId: string, remoteType: string, remoteModule: string, message: string, remoteStack: string | null) {
    super('TQ_REMOTE_TASK', `${remoteType}: ${message}`);
    this.taskId = taskId;
    this.remoteType = remoteType;
    this.remoteModule = remoteModule;
    this.remoteStack = remoteStack;
    if (remoteStack) this.stack = `${this.name}: ${this.message}\n--- remote stack ---\n${remoteStack}`;
  }
}

import type { ResultBackend } from '../spec/result-backend.js';

/** What a result handle needs from its app: the backend, and a way to revoke. */
export interface ResultSource {
  /** The connected backend; throws a ConfigurationError when the app has none. */
  resultBackend(): Promise<ResultBackend>;
  /** Revoke a task id everywhere (store REVOKED, tell every worker). */
  revoke(taskId: string, options?: { terminate?: boolean }): Promise<void>;
}

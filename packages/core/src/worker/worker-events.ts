/** What every task event carries. */
export interface TaskEvent {
  /** Task id. */
  id: string;
  /** Task name. */
  name: string;
  /** The worker's node name. */
  hostname: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** Events a worker emits (Celery's names, minus the `task-` prefix where it would repeat). */
export interface WorkerEvents {
  'task-received': [
    TaskEvent & {
      args: unknown[];
      kwargs: Record<string, unknown>;
      /** The message's `argsrepr` header: what monitors show (a sender may hide secrets there). */
      argsRepr: string;
      /** The message's `kwargsrepr` header. */
      kwargsRepr: string;
      rootId: string | null;
      parentId: string | null;
      retries: number;
      eta: string | null;
      expires: string | null;
    },
  ];
  'task-started': [TaskEvent];
  'task-succeeded': [TaskEvent & { result: unknown; runtimeMs: number }];
  'task-failed': [TaskEvent & { error: Error; runtimeMs: number }];
  'task-retried': [TaskEvent & { error: unknown; retries: number; delayMs: number }];
  'task-revoked': [TaskEvent & { reason: 'revoked' | 'expired' | 'terminated' }];
  /** A message that could not be run at all (poison): it went to the dead-letter place. */
  'task-rejected': [{ queue: string; reason: string; id: string | null; name: string | null; timestamp: number }];
  'worker-online': [{ hostname: string; queues: readonly string[] }];
  'worker-offline': [{ hostname: string }];
}

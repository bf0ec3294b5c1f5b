/** Celery's task states as events show them. */
export type TaskEventState = 'PENDING' | 'RECEIVED' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'RETRY' | 'REVOKED' | 'REJECTED';

/**
 * Celery's `states.PRECEDENCE`, strongest first: an event of a weaker state than the task's merges
 * its fields only (events arrive out of order: batches, clients). Monitors that merge task events
 * (`ClusterState`, the dashboard's history) read it from here.
 */
export const taskStatePrecedence: readonly TaskEventState[] = [
  'SUCCESS',
  'FAILURE',
  'REVOKED',
  'STARTED',
  'RECEIVED',
  'REJECTED',
  'RETRY',
  'PENDING',
];

/** The task state each Celery task event type means. */
export const taskStateOfEvent: Readonly<Record<string, TaskEventState>> = {
  'task-sent': 'PENDING',
  'task-received': 'RECEIVED',
  'task-started': 'STARTED',
  'task-succeeded': 'SUCCESS',
  'task-failed': 'FAILURE',
  'task-retried': 'RETRY',
  'task-revoked': 'REVOKED',
  'task-rejected': 'REJECTED',
};

/**
 * The state of a task at `current` once an event of `incoming` arrives: the incoming one unless it
 * logically happened before (weaker by precedence); a retry starts over either way.
 */
export function mergedTaskState(current: TaskEventState, incoming: TaskEventState): TaskEventState {
  const happenedBefore = taskStatePrecedence.indexOf(incoming) > taskStatePrecedence.indexOf(current);
  return incoming === 'RETRY' || current === 'RETRY' || !happenedBefore ? incoming : current;
}

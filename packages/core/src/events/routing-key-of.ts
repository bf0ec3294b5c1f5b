/** The routing key Celery publishes an event under: its type with `-` as `.` (`worker-heartbeat` → `worker.heartbeat`). */
export function routingKeyOf(type: string): string {
  return type.replaceAll('-', '.');
}

/**
 * The three topics of the control and event planes (ADR 0026). Celery has no Kafka layout, so
 * the names are tq's: one cluster, one control plane, as Celery's default `celery.pidbox`
 * exchange is one per RabbitMQ vhost.
 */
export const PLANE_TOPICS = {
  /** Control requests; every listening node reads all of them. */
  requests: 'tq.pidbox',
  /** Control replies, keyed by mailbox id; a caller keeps the ones with its key. */
  replies: 'tq.pidbox.reply',
  /** Events, keyed by routing key (`worker.heartbeat`, `task.multi`). */
  events: 'tq.celeryev',
} as const;

/**
 * Topic configs of the plane topics: readers start at the end, so nothing is ever read from an old
 * segment; records go after 5 minutes (`retention.ms`), in segments rolled every minute
 * (`segment.ms`: retention deletes whole segments only, and the default segment lives 7 days).
 */
export const PLANE_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'retention.ms': '300000',
  'segment.ms': '60000',
};

/** Record header carrying a plane message's kombu headers as JSON (numbers stay numbers). */
export const PLANE_HEADERS = 'tq-plane-headers';

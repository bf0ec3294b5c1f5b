import { randomUUID } from 'node:crypto';

/**
 * A name no other test (or parallel run) uses: `tq-conformance-<label>-<random>`. Characters that
 * some broker forbids in queue or topic names (Kafka: only `[A-Za-z0-9._-]`) become `-`.
 */
export function uniqueName(label: string): string {
  return `tq-conformance-${label.replace(/[^A-Za-z0-9_-]/g, '-')}-${randomUUID().slice(0, 8)}`;
}

import { randomUUID } from 'node:crypto';

/** A name no other test (or parallel run) uses: `tq-conformance-<label>-<random>`. */
export function uniqueName(label: string): string {
  return `tq-conformance-${label}-${randomUUID().slice(0, 8)}`;
}

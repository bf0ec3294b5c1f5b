import { topicMatches } from '@tq/core';
import { describe, expect, it } from 'vitest';
import { topicGlob } from '../src/topic-glob.js';

/** Redis' glob matching for the forms topicGlob produces: literal text, `\`-escapes, a trailing `*`. */
function globMatches(glob: string, channel: string): boolean {
  const source = glob.replace(/\\(.)|(\*)|([^\\*]+)/g, (_, escaped: string, star: string, text: string) =>
    star ? '.*' : (escaped ?? text).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
  );
  return new RegExp(`^${source}$`, 's').test(channel);
}

describe('topicGlob', () => {
  const prefix = '/0.celeryev/';

  it('is the literal words before the first wildcard, then *', () => {
    expect(topicGlob(prefix, '#')).toBe('/0.celeryev/*');
    expect(topicGlob(prefix, 'worker.#')).toBe('/0.celeryev/worker*');
    expect(topicGlob(prefix, 'task.*.x')).toBe('/0.celeryev/task*');
    expect(topicGlob(prefix, 'worker.heartbeat')).toBe('/0.celeryev/worker.heartbeat');
  });

  it("escapes what Redis' glob would read as a wildcard, in the prefix too", () => {
    expect(topicGlob('app[1]?:/0.celeryev/', 'a*b.#')).toBe('app\\[1\\]\\?:/0.celeryev/a\\*b*');
  });

  it('covers every routing key the AMQP pattern matches (receivers filter the rest)', () => {
    const keys = ['worker', 'worker.online', 'worker.heartbeat', 'workers.x', 'task.multi', 'task.a.x', 'task.x', 'a*b', 'a*b.c'];
    for (const pattern of ['#', 'worker.#', 'worker.*', '*.heartbeat', 'task.*.x', '#.x', 'worker', 'a*b.#']) {
      for (const key of keys) {
        if (topicMatches(pattern, key))
          expect({ pattern, key, covered: globMatches(topicGlob(prefix, pattern), prefix + key) }).toMatchObject({ covered: true });
      }
    }
  });
});

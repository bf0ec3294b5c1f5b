import { describe, expect, it } from 'vitest';
import { NewestFirst } from '../src/history/newest-first.js';

describe('NewestFirst', () => {
  it('keeps the items of highest key, highest first, whatever the order offered', () => {
    // A fixed shuffle of 0..999 (multiplying by a number coprime with 1000).
    const keys = Array.from({ length: 1000 }, (_, i) => (i * 337) % 1000);
    const page = new NewestFirst<number>(5, (key) => key);
    for (const key of keys) page.offer(key);
    expect(page.items).toEqual([999, 998, 997, 996, 995]);
  });

  it('keeps everything when fewer than its size were offered, and breaks ties by who came first', () => {
    const page = new NewestFirst<{ id: string; at: number }>(10, (item) => item.at);
    for (const item of [
      { id: 'a', at: 1 },
      { id: 'b', at: 2 },
      { id: 'c', at: 1 },
    ])
      page.offer(item);
    expect(page.items.map((item) => item.id)).toEqual(['b', 'a', 'c']);
  });

  it('keeps nothing when its size is 0', () => {
    const page = new NewestFirst<number>(0, (key) => key);
    page.offer(1);
    expect(page.items).toEqual([]);
  });
});

/** The pipeline's decoded-image cache (src/pipeline/lru.ts): bounded, recency-ordered, loads shared. */
import { describe, expect, it } from 'vitest';
import { Lru } from '../../src/pipeline/lru.ts';

describe('Lru', () => {
  it('keeps at most `capacity` entries, evicting the least recently used, and reloads what it evicted', async () => {
    const loads: number[] = [];
    const lru = new Lru<number, string>(2, async (k) => {
      loads.push(k);
      return `v${k}`;
    });
    expect(await lru.get(1)).toBe('v1');
    await lru.get(2);
    await lru.get(1); // 1 is now the most recent
    await lru.get(3); // evicts 2
    expect(lru.size).toBe(2);
    await lru.get(1);
    await lru.get(2);
    expect(loads).toEqual([1, 2, 3, 2]);
  });

  it('shares a load in flight and forgets a failed one', async () => {
    let calls = 0;
    let fail = true;
    const lru = new Lru<string, number>(4, async () => {
      calls++;
      if (fail) throw new Error('a.png: truncated');
      return calls;
    });
    const [a, b] = [lru.get('a'), lru.get('a')];
    await expect(a).rejects.toThrow(/truncated/);
    await expect(b).rejects.toThrow(/truncated/);
    expect(calls).toBe(1);
    fail = false;
    expect(await lru.get('a')).toBe(2); // tried again, not the stored failure
    expect(() => new Lru(0, async () => 0)).toThrow(/capacity 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { groupByClass } from '../../src/core/classes.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { applyProfile, formatProfile, imbalancedCounts, parseProfile } from '../../src/core/profiles.ts';
import { Rng } from '../../src/core/rng.ts';

/** byClass[k] = `sizes[k]` consecutive image indices. */
function classes(sizes: number[]): number[][] {
  let next = 0;
  return sizes.map((n) => Array.from({ length: n }, () => next++));
}

describe('imbalancedCounts', () => {
  it('matches hand-computed n_i = max(2, floor(c · f^(i/(C-1))))', () => {
    // 16 · 0.25^(0, .25, .5, .75, 1) = 16, 11.31, 8, 5.66, 4
    expect(imbalancedCounts(16, 0.25, 5)).toEqual([16, 11, 8, 5, 4]);
    // 10 · 0.1^(0, .5, 1) = 10, 3.16, 1 → the last is raised to 2
    expect(imbalancedCounts(10, 0.1, 3)).toEqual([10, 3, 2]);
  });

  it('gives 100 first and 2 last for c=100, f=0.01, C=20', () => {
    // 100 · 10^(-2i/19): 100, 78.48, 61.58, 48.33, 37.93, 29.76, 23.36, 18.33, 14.38, 11.29,
    // 8.86, 6.95, 5.46, 4.28, 3.36, 2.64, 2.07, 1.62, 1.27, 1
    expect(imbalancedCounts(100, 0.01, 20)).toEqual([
      100, 78, 61, 48, 37, 29, 23, 18, 14, 11, 8, 6, 5, 4, 3, 2, 2, 2, 2, 2,
    ]);
  });

  it('does not floor exact products one below (floating error)', () => {
    // 50 · 0.58 is 29 exactly, but evaluates to 28.999999999999996 in doubles
    expect(imbalancedCounts(50, 0.58, 2)).toEqual([50, 29]);
    // 90 · 0.49^0.5 = 90 · 0.7 = 63 (62.99999999999999 in doubles); 90 · 0.49 = 44.1
    expect(imbalancedCounts(90, 0.49, 3)).toEqual([90, 63, 44]);
  });

  it('handles C=1, f=1 and rejects bad arguments', () => {
    expect(imbalancedCounts(7, 0.1, 1)).toEqual([7]);
    expect(imbalancedCounts(5, 1, 4)).toEqual([5, 5, 5, 5]);
    expect(() => imbalancedCounts(1, 0.1, 3)).toThrow(ConfigError);
    expect(() => imbalancedCounts(10, 0, 3)).toThrow(ConfigError);
    expect(() => imbalancedCounts(10, 1.5, 3)).toThrow(ConfigError);
    expect(() => imbalancedCounts(10, 0.5, 0)).toThrow(ConfigError);
  });
});

describe('applyProfile', () => {
  const src = classes([12, 10, 15]); // smallest class: 10 images → c = 10

  it('imbalanced: class at position i of the seeded order keeps n_i images from its own class', () => {
    const sel = applyProfile(src, { kind: 'imbalanced', factor: 0.1 }, 7);
    expect([...sel.order!].sort()).toEqual([0, 1, 2]);
    const expected = [10, 3, 2]; // imbalancedCounts(10, 0.1, 3)
    sel.order!.forEach((k, i) => {
      expect(sel.counts[k]).toBe(expected[i]);
    });
    sel.byClass.forEach((list, k) => {
      expect(list.every((i) => src[k].includes(i))).toBe(true);
      expect(list).toEqual([...list].sort((a, b) => a - b));
    });
    expect(sel.indices).toEqual(sel.byClass.flat().sort((a, b) => a - b));
    expect(sel.indices).toHaveLength(15);
  });

  it('draws images with the documented per-class stream (pinned: changing it invalidates cached runs)', () => {
    const sel = applyProfile(src, { kind: 'lowshot', shots: 4 }, 42);
    const want = new Rng(42)
      .fork('profile-images:2')
      .shuffle([...src[2]])
      .slice(0, 4);
    expect(sel.byClass[2]).toEqual(want.sort((a, b) => a - b));
    const order = new Rng(42).fork('profile-order').shuffle([0, 1, 2]);
    expect(applyProfile(src, { kind: 'imbalanced', factor: 0.5 }, 42).order).toEqual(order);
  });

  it('is deterministic per seed, varies with it, and nests across profile sizes', () => {
    const a = applyProfile(src, { kind: 'lowshot', shots: 4 }, 1);
    expect(applyProfile(src, { kind: 'lowshot', shots: 4 }, 1)).toEqual(a);
    const others = [2, 3, 4, 5].map((s) => applyProfile(src, { kind: 'lowshot', shots: 4 }, s).indices);
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a.indices))).toBe(true);
    const b = applyProfile(src, { kind: 'lowshot', shots: 8 }, 1);
    expect(a.indices.every((i) => b.indices.includes(i))).toBe(true);
    expect(a.counts).toEqual([4, 4, 4]);
    expect(b.counts).toEqual([8, 8, 8]);
  });

  it('accepts labels and per-class lists alike', () => {
    const labels = [2, 0, 1, 0, 1, 2, 2, 0, 1, 2];
    const fromLabels = applyProfile(labels, { kind: 'lowshot', shots: 2 }, 9);
    const fromLists = applyProfile(groupByClass(labels), { kind: 'lowshot', shots: 2 }, 9);
    expect(fromLabels).toEqual(fromLists);
    fromLabels.byClass.forEach((list, k) => {
      expect(list.every((i) => labels[i] === k)).toBe(true);
    });
  });

  it('full keeps everything', () => {
    const sel = applyProfile(src, { kind: 'full' }, 3);
    expect(sel.counts).toEqual([12, 10, 15]);
    expect(sel.indices).toEqual(Array.from({ length: 37 }, (_, i) => i));
    expect(sel.order).toBeUndefined();
  });

  it('names the class that is too small', () => {
    expect(() => applyProfile(src, { kind: 'lowshot', shots: 11 }, 1, ['cat', 'dog', 'owl'])).toThrow(
      "Low-shot profile needs 11 images per class, but 'dog' (class 1) has 10.",
    );
    expect(() => applyProfile(classes([3, 1, 4]), { kind: 'imbalanced', factor: 0.5 }, 1)).toThrow(
      'Imbalanced profile needs at least 2 images in every class, but class 1 has 1.',
    );
  });
});

describe('parseProfile', () => {
  it('parses the three forms', () => {
    expect(parseProfile('full')).toEqual({ kind: 'full' });
    expect(parseProfile('imbalanced:0.1')).toEqual({ kind: 'imbalanced', factor: 0.1 });
    expect(parseProfile(' Imbalanced : .5 ')).toEqual({ kind: 'imbalanced', factor: 0.5 });
    expect(parseProfile('imbalanced:1')).toEqual({ kind: 'imbalanced', factor: 1 });
    expect(parseProfile('imbalanced:1e-2')).toEqual({ kind: 'imbalanced', factor: 0.01 });
    expect(parseProfile('lowshot:4')).toEqual({ kind: 'lowshot', shots: 4 });
  });

  it.each([
    'imbalanced',
    'imbalanced:',
    'imbalanced:0',
    'imbalanced:1.5',
    'imbalanced:-0.1',
    'imbalanced:0x1',
    'imbalanced:NaN',
    'lowshot:0',
    'lowshot:2.5',
    'lowshot:-3',
    'lowshot:four',
    'fewshot:4',
    '',
  ])('rejects %j with a ConfigError', (s) => {
    expect(() => parseProfile(s)).toThrow(ConfigError);
  });

  it('round-trips through formatProfile', () => {
    for (const s of ['full', 'imbalanced:0.01', 'lowshot:16']) expect(formatProfile(parseProfile(s))).toBe(s);
  });
});

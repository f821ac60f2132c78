import { describe, expect, it } from 'vitest';
import { groupByClass, toByClass } from '../../src/core/classes.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { carveTestSplit, stratifiedHalfSplit, testCount } from '../../src/core/split.ts';

function classes(sizes: number[]): number[][] {
  let next = 0;
  return sizes.map((n) => Array.from({ length: n }, () => next++));
}

describe('stratifiedHalfSplit', () => {
  const src = classes([2, 1, 5, 0, 4]);

  it('gives ceil(n/2) to train and floor(n/2) to valid per class', () => {
    const s = stratifiedHalfSplit(src, 11);
    expect(s.trainByClass.map((l) => l.length)).toEqual([1, 1, 3, 0, 2]);
    expect(s.validByClass.map((l) => l.length)).toEqual([1, 0, 2, 0, 2]);
    expect(s.trainByClass[1]).toEqual([2]); // the single image of class 1 stays in train
    s.trainByClass.forEach((t, k) => {
      expect([...t, ...s.validByClass[k]].sort((a, b) => a - b)).toEqual(src[k]);
    });
    expect([...s.train, ...s.valid].sort((a, b) => a - b)).toEqual(src.flat());
    expect(s.train).toEqual([...s.train].sort((a, b) => a - b));
  });

  it('warns about classes with one or no images, naming them', () => {
    const s = stratifiedHalfSplit(src, 11, ['cat', 'dog', 'owl', 'emu', 'yak']);
    expect(s.warnings.map((w) => w.classIndex)).toEqual([1, 3]);
    expect(s.warnings[0].message).toContain("'dog' (class 1) has only 1 training image");
    expect(s.warnings[1].message).toBe("'emu' (class 3) has no training images.");
  });

  it('is deterministic per seed and varies with the seed', () => {
    const a = stratifiedHalfSplit(src, 5);
    expect(stratifiedHalfSplit(src, 5)).toEqual(a);
    const trains = [6, 7, 8, 9, 10].map((s) => stratifiedHalfSplit(src, s).train.join());
    expect(trains.some((t) => t !== a.train.join())).toBe(true);
  });

  it('works from labels restricted to a subset of indices', () => {
    const labels = [0, 1, 0, 1, 0, 1, 0, 1];
    const train = [0, 1, 2, 3, 4, 6]; // class 0: 0,2,4,6; class 1: 1,3
    const s = stratifiedHalfSplit(groupByClass(labels, train), 3);
    expect(s.trainByClass.map((l) => l.length)).toEqual([2, 1]);
    expect(s.validByClass.map((l) => l.length)).toEqual([2, 1]);
    expect([...s.train, ...s.valid].sort((a, b) => a - b)).toEqual(train);
    expect(s.warnings).toEqual([]);
  });
});

describe('testCount', () => {
  it('rounds half up and keeps at least 1 test and 1 train image', () => {
    expect(testCount(10, 0.2)).toBe(2);
    expect(testCount(10, 0.25)).toBe(3); // 2.5 → 3
    expect(testCount(25, 0.58)).toBe(15); // 14.5, computed as 14.499999999999998
    expect(testCount(2, 0.2)).toBe(1); // round(0.4) = 0, raised to 1
    expect(testCount(3, 0.9)).toBe(2); // round(2.7) = 3, capped at n-1
    expect(testCount(1, 0.5)).toBe(0);
    expect(testCount(0, 0.5)).toBe(0);
  });
});

describe('carveTestSplit', () => {
  it('holds out testCount(n) images per class, disjoint from train', () => {
    const labels = [...Array(10).fill(0), ...Array(2).fill(1), 2, ...Array(5).fill(3)];
    const s = carveTestSplit(labels, 0.2, 4, ['a', 'b', 'c', 'd']);
    expect(s.testByClass.map((l) => l.length)).toEqual([2, 1, 0, 1]);
    expect(s.trainByClass.map((l) => l.length)).toEqual([8, 1, 1, 4]);
    s.testByClass.forEach((l, k) => {
      expect(l.every((i) => labels[i] === k)).toBe(true);
    });
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(s.warnings).toEqual([
      { classIndex: 2, message: "'c' (class 2) has 1 image(s): it cannot be tested (none held out)." },
    ]);
    expect(carveTestSplit(labels, 0.2, 4)).toEqual({
      ...s,
      warnings: [
        { ...s.warnings[0], message: 'class 2 has 1 image(s): it cannot be tested (none held out).' },
      ],
    });
  });

  it('rejects fractions outside (0, 1)', () => {
    expect(() => carveTestSplit([0, 0], 0, 1)).toThrow(ConfigError);
    expect(() => carveTestSplit([0, 0], 1, 1)).toThrow(ConfigError);
  });
});

describe('class sources', () => {
  it('groups labels by class, keeping empty classes when numClasses is given', () => {
    expect(groupByClass([1, 0, 1, 3])).toEqual([[1], [0, 2], [], [3]]);
    expect(groupByClass([1, 0, 1], [2, 0], 3)).toEqual([[], [0, 2], []]);
    expect(toByClass(Int32Array.from([1, 1, 0]))).toEqual([[2], [0, 1]]);
    expect(toByClass([[5, 3], [4]])).toEqual([[3, 5], [4]]);
  });

  it('rejects bad labels and duplicated images', () => {
    expect(() => groupByClass([0, -1])).toThrow(ConfigError);
    expect(() => groupByClass([0, 1.5])).toThrow(ConfigError);
    expect(() => groupByClass([0, 3], undefined, 2)).toThrow(ConfigError);
    expect(() => toByClass([[0, 1], [1]])).toThrow(ConfigError);
  });
});

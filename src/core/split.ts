/**
 * Stratified splits (ALGORITHM.md §2).
 * - `stratifiedHalfSplit`: the search stage's D_train / D_valid — per class, ceil(n/2) images to
 *   train and floor(n/2) to valid, chosen by a seeded shuffle.
 * - `carveTestSplit`: a held-out test split for datasets that ship without one.
 * Each class is shuffled by its own forked generator, so one class's size never changes another
 * class's draw. All outputs are ascending index lists.
 */
import { type ClassSource, describeClass, flatten, toByClass } from './classes.ts';
import { ConfigError } from './errors.ts';
import { Rng } from './rng.ts';

/** Something the caller should show the user; the split still succeeded. */
export interface SplitWarning {
  classIndex: number;
  message: string;
}

export interface HalfSplit {
  train: number[];
  valid: number[];
  trainByClass: number[][];
  validByClass: number[][];
  warnings: SplitWarning[];
}

export interface TestSplit {
  train: number[];
  test: number[];
  trainByClass: number[][];
  testByClass: number[][];
  warnings: SplitWarning[];
}

/** Shuffle each class with its own stream and cut it after `cut(n)` images. */
function cutPerClass(byClass: number[][], seed: number, label: string, cut: (n: number) => number) {
  const rng = new Rng(seed);
  const first: number[][] = [];
  const second: number[][] = [];
  byClass.forEach((list, k) => {
    const s = rng.fork(`${label}:${k}`).shuffle([...list]);
    const n = cut(s.length);
    first.push(s.slice(0, n).sort((a, b) => a - b));
    second.push(s.slice(n).sort((a, b) => a - b));
  });
  return { first, second };
}

/**
 * Split a training set half/half per class. A class with one image goes to train only (warned: it
 * gets no exploration signal in the search); a class with none is warned about too.
 */
export function stratifiedHalfSplit(
  source: ClassSource,
  seed: number,
  classNames?: readonly string[],
): HalfSplit {
  const byClass = toByClass(source);
  const { first, second } = cutPerClass(byClass, seed, 'half-split', (n) => Math.ceil(n / 2));
  const warnings: SplitWarning[] = [];
  byClass.forEach((list, k) => {
    const who = describeClass(k, classNames);
    if (list.length === 0) {
      warnings.push({ classIndex: k, message: `${who} has no training images.` });
    } else if (list.length === 1) {
      warnings.push({
        classIndex: k,
        message: `${who} has only 1 training image: it goes to D_train, so the search cannot validate this class's policy.`,
      });
    }
  });
  return {
    train: flatten(first),
    valid: flatten(second),
    trainByClass: first,
    validByClass: second,
    warnings,
  };
}

/**
 * Number of test images taken from a class of n: round(n · fraction) (half up; the epsilon keeps
 * 25·0.58 = 14.499999999999998 from rounding down), then at least 1 and at most n-1 whenever n >= 2, so every
 * class keeps a training image and every class that can spare one is tested. A class of 1 stays in train.
 */
export function testCount(n: number, fraction: number): number {
  if (n < 2) return 0;
  const r = Math.floor(n * fraction + 0.5 + 1e-9);
  return Math.min(n - 1, Math.max(1, r));
}

/** Carve a stratified test split of about `fraction` of each class (0 < fraction < 1). */
export function carveTestSplit(
  source: ClassSource,
  fraction: number,
  seed: number,
  classNames?: readonly string[],
): TestSplit {
  if (!(fraction > 0 && fraction < 1)) {
    throw new ConfigError(`Test fraction must be strictly between 0 and 1, got ${fraction}.`);
  }
  const byClass = toByClass(source);
  const { first, second } = cutPerClass(byClass, seed, 'test-split', (n) => testCount(n, fraction));
  const warnings: SplitWarning[] = [];
  byClass.forEach((list, k) => {
    if (list.length < 2) {
      warnings.push({
        classIndex: k,
        message: `${describeClass(k, classNames)} has ${list.length} image(s): it cannot be tested (none held out).`,
      });
    }
  });
  return { train: flatten(second), test: flatten(first), trainByClass: second, testByClass: first, warnings };
}

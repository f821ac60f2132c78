/**
 * The run's split (ALGORITHM.md §2): a stratified test split first (never seen by search or
 * training), the profile on what is left (imbalanced:f, lowshot:k or full), then the half/half
 * search split of those training images into D_train and D_valid. All seeded.
 */
import { applyProfile, parseProfile } from '../core/profiles.ts';
import { carveTestSplit, stratifiedHalfSplit } from '../core/split.ts';
import type { BankSplit } from '../train/bank.ts';

export interface RunSplit extends BankSplit {
  /** Images per class in train ∪ valid (the training frequency of the report). */
  trainCounts: number[];
  warnings: string[];
}

export function planSplit(
  labels: readonly number[],
  classes: readonly string[],
  profile: string,
  seed: number,
  testFraction: number,
): RunSplit {
  const C = classes.length;
  const byClass = classes.map((_, k) => labels.flatMap((y, i) => (y === k ? [i] : [])));
  const test = carveTestSplit(byClass, testFraction, seed, classes);
  // The profile picks among the images left after the test split (its lists are image indices).
  const kept = applyProfile(test.trainByClass, parseProfile(profile), seed, classes).byClass;
  const half = stratifiedHalfSplit(kept, seed, classes);
  const trainCounts = Array.from({ length: C }, (_, k) => kept[k].length);
  return {
    train: [...half.train].sort((a, b) => a - b),
    valid: [...half.valid].sort((a, b) => a - b),
    test: [...test.test].sort((a, b) => a - b),
    trainCounts,
    warnings: [...test.warnings, ...half.warnings].map((w) => w.message),
  };
}

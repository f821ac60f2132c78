/**
 * A bank restricted to some of its sources, in the given order (a method's sources; identity first).
 * Copies the features: the engine trains over every source of the bank it gets.
 */
import { type FeatureBank, featureOffset } from './bank.ts';

export function selectSources(bank: FeatureBank, sourceIndex: readonly number[]): FeatureBank {
  const { N, K, D } = bank;
  const same = sourceIndex.length === bank.S && sourceIndex.every((s, i) => s === i);
  if (same) return bank;
  const S = sourceIndex.length;
  const features = new Float32Array(N * S * K * D);
  const block = K * D;
  for (let n = 0; n < N; n++) {
    sourceIndex.forEach((src, s) => {
      const from = featureOffset(bank, n, src, 0);
      features.set(bank.features.subarray(from, from + block), featureOffset({ S, K, D }, n, s, 0));
    });
  }
  return { ...bank, S, sources: sourceIndex.map((s) => bank.sources[s]), features };
}

/** Training images (train ∪ valid) per class of a bank. */
export function bankTrainCounts(bank: FeatureBank): number[] {
  const counts = new Array<number>(bank.classes.length).fill(0);
  for (const n of [...bank.split.train, ...bank.split.valid]) counts[bank.labels[n]]++;
  return counts;
}

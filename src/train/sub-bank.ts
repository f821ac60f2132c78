/**
 * A bank restricted to some of its sources, in the given order (a method's sources; identity first).
 * An index remap: the sub-bank shares the bank's feature rows (no feature is copied).
 */
import { type BankMeta, bankIndex } from './bank.ts';

export function selectSources<B extends BankMeta>(bank: B, sourceIndex: readonly number[]): B {
  const { N, K } = bank;
  const same = sourceIndex.length === bank.S && sourceIndex.every((s, i) => s === i);
  if (same) return bank;
  const S = sourceIndex.length;
  const from = bankIndex(bank);
  const index = new Uint32Array(N * S * K);
  for (let n = 0; n < N; n++) {
    sourceIndex.forEach((src, s) => {
      const at = (n * bank.S + src) * K;
      index.set(from.subarray(at, at + K), (n * S + s) * K);
    });
  }
  return { ...bank, S, sources: sourceIndex.map((s) => bank.sources[s]), index };
}

/** Training images (train ∪ valid) per class of a bank. */
export function bankTrainCounts(bank: BankMeta): number[] {
  const counts = new Array<number>(bank.classes.length).fill(0);
  for (const n of [...bank.split.train, ...bank.split.valid]) counts[bank.labels[n]]++;
  return counts;
}

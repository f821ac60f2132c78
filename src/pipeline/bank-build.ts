/**
 * Features → the FeatureBank [N][S][K][D] (ALGORITHM.md §6–7). Source 0 is the real image (K equal
 * copies); each generative source gives K candidates per training image, cycling when it has fewer
 * (k % count). Test images are only read at source 0, candidate 0, so their other slots are copies.
 * BankBuilder writes each feature into its slots as it arrives, so a run never holds its features
 * twice (a list of vectors, then the bank); assembleBank is the same from lists.
 */
import { type BankSplit, type FeatureBank, featureOffset } from '../train/bank.ts';

export interface BankInputs {
  classes: string[];
  labels: readonly number[];
  split: BankSplit;
  /** φ of each real image, [D] each. */
  real: readonly Float32Array[];
  /** Per generative source, per image index: φ of its candidates (training images only). */
  generated: ReadonlyMap<string, ReadonlyMap<number, readonly Float32Array[]>>;
  D: number;
}

export interface BankLayout {
  classes: string[];
  labels: readonly number[];
  split: BankSplit;
  /** Per generative source (in bank order), per image index: how many candidates it has. */
  counts: ReadonlyMap<string, ReadonlyMap<number, number>>;
  D: number;
}

export class BankBuilder {
  readonly bank: FeatureBank;
  private readonly counts: ReadonlyMap<number, number>[];

  constructor(l: BankLayout) {
    const sources = ['identity', ...l.counts.keys()];
    let K = 1;
    for (const m of l.counts.values()) for (const c of m.values()) K = Math.max(K, c);
    const N = l.labels.length;
    this.counts = [...l.counts.values()];
    this.bank = {
      classes: [...l.classes],
      sources,
      N,
      S: sources.length,
      K,
      D: l.D,
      features: new Float32Array(N * sources.length * K * l.D),
      labels: Int32Array.from(l.labels),
      split: l.split,
    };
  }

  /** φ of image n: source 0, and every source that has no candidate of n. */
  real(n: number, f: Float32Array): void {
    const { S, K } = this.bank;
    for (let s = 0; s < S; s++) {
      if (s > 0 && (this.counts[s - 1].get(n) ?? 0) > 0) continue;
      for (let k = 0; k < K; k++) this.put(f, n, s, k);
    }
  }

  /** φ of candidate j (0-based, within its source) of image n: slots k with k % count = j. */
  candidate(source: number, n: number, j: number, f: Float32Array): void {
    const count = this.counts[source - 1].get(n) ?? 0;
    if (j >= count) throw new Error(`bank: candidate ${j} of image ${n} beyond its ${count}`);
    for (let k = j; k < this.bank.K; k += count) this.put(f, n, source, k);
  }

  private put(f: Float32Array, n: number, s: number, k: number): void {
    if (f.length !== this.bank.D)
      throw new Error(`bank: a feature of ${f.length} values, expected ${this.bank.D}`);
    this.bank.features.set(f, featureOffset(this.bank, n, s, k));
  }
}

export function assembleBank(b: BankInputs): FeatureBank {
  const counts = new Map(
    [...b.generated].map(([s, m]) => [s, new Map([...m].map(([n, list]) => [n, list.length]))] as const),
  );
  const builder = new BankBuilder({ ...b, counts });
  for (const [n, f] of b.real.entries()) builder.real(n, f);
  for (const [i, m] of [...b.generated.values()].entries()) {
    for (const [n, list] of m) for (const [j, f] of list.entries()) builder.candidate(i + 1, n, j, f);
  }
  return builder.bank;
}

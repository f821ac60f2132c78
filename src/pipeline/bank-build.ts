/**
 * Features → the FeatureBank [N][S][K][D] (ALGORITHM.md §6–7). Source 0 is the real image (K equal
 * copies); each generative source gives K candidates per training image, cycling when it has fewer
 * (k % count). Test images are only read at source 0, candidate 0, so their other slots are copies.
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

export function assembleBank(b: BankInputs): FeatureBank {
  const gen = [...b.generated.keys()];
  const sources = ['identity', ...gen];
  const N = b.labels.length;
  const S = sources.length;
  let K = 1;
  for (const m of b.generated.values()) for (const list of m.values()) K = Math.max(K, list.length);
  const dims = { S, K, D: b.D };
  const features = new Float32Array(N * S * K * b.D);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const list = s === 0 ? undefined : b.generated.get(sources[s])?.get(n);
      for (let k = 0; k < K; k++) {
        const f = list?.length ? list[k % list.length] : b.real[n];
        features.set(f, featureOffset(dims, n, s, k));
      }
    }
  }
  return {
    classes: [...b.classes],
    sources,
    N,
    S,
    K,
    D: b.D,
    features,
    labels: Int32Array.from(b.labels),
    split: b.split,
  };
}

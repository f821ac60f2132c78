/** A small random feature bank for plumbing and numerics tests (not a learning task). */
import { Rng } from '../../src/core/rng.ts';
import type { FeatureBank } from '../../src/train/bank.ts';

export function randomBank(seed: number, { N = 40, S = 3, K = 2, D = 20, C = 4 } = {}): FeatureBank {
  const rng = new Rng(seed);
  const features = Float32Array.from({ length: N * S * K * D }, () => rng.normal());
  const labels = Int32Array.from({ length: N }, (_, n) => n % C); // every class present
  const order = rng.shuffle(Array.from({ length: N }, (_, i) => i));
  const nTest = Math.floor(N / 5);
  const test = order.slice(0, nTest).sort((a, b) => a - b);
  const rest = order.slice(nTest);
  const train = rest.filter((_, i) => i % 2 === 0).sort((a, b) => a - b);
  const valid = rest.filter((_, i) => i % 2 === 1).sort((a, b) => a - b);
  return {
    classes: Array.from({ length: C }, (_, c) => `class ${c}`),
    sources: Array.from({ length: S }, (_, s) => `source ${s}`),
    N,
    S,
    K,
    D,
    features,
    labels,
    split: { train, valid, test },
  };
}

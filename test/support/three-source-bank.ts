/**
 * The real-data search test of the GPU training issue: Fashion-MNIST made imbalanced (ALGORITHM.md §2),
 * raw pixels / 255 as features (D = 784) and three sources per sample, with K candidates each:
 * - identity: the image itself (all K candidates equal);
 * - helpful:  a mild augmentation of it (random shift by ≤ `shift` px with zero fill, then Gaussian
 *   noise σ = `noise`, clamped to [0, 1]);
 * - harmful:  an image of another class (uniform over the other classes, then over that class's
 *   60 000-set images) while the label stays y, i.e. label noise.
 * A good search learns to put little weight on 'harmful'. Deterministic per seed.
 */
import { groupByClass } from '../../src/core/classes.ts';
import { applyProfile } from '../../src/core/profiles.ts';
import { Rng } from '../../src/core/rng.ts';
import { stratifiedHalfSplit } from '../../src/core/split.ts';
import { type FeatureBank, featureOffset } from '../../src/train/bank.ts';
import { FASHION_MNIST_CLASSES, loadFashionMnist, type MnistSet, type ReadFile } from './fashion-mnist.ts';

export const THREE_SOURCES = ['identity', 'helpful', 'harmful'];

export interface ThreeSourceOptions {
  /** Imbalance factor f: smallest / largest class size (default 0.01). */
  factor?: number;
  /** Size of the largest class, c in §2 (default 200; Fashion-MNIST has 6000 per class). */
  cap?: number;
  seed?: number;
  /** Candidates per source (default 2). */
  K?: number;
  /** Test images per class, drawn from t10k (default 100). */
  testPerClass?: number;
  /** z-score every dim with the mean/std of the train+valid identity features (default false). */
  standardise?: boolean;
  /** Largest shift of the helpful augmentation, in pixels (default 2). */
  shift?: number;
  /** σ of the helpful augmentation's Gaussian noise, on the 0..1 scale (default 0.05). */
  noise?: number;
}

export interface ThreeSourceBank {
  bank: FeatureBank;
  /** Bank samples [0, nTrain) are train/valid images from the 60 000 set; [nTrain, N) are t10k images. */
  nTrain: number;
  /** Per bank sample: its index in the 60 000 set (n < nTrain) or in t10k (n ≥ nTrain). */
  origin: Int32Array;
  /** [N × K]: the 60 000-set index of each harmful candidate. */
  harmfulOrigin: Int32Array;
  /** Train+valid samples per class, and the profile's class order (order[i] keeps the i-th largest count). */
  counts: number[];
  order: number[];
}

/** Build the bank from loaded sets. */
export function buildThreeSourceBank(
  train: MnistSet,
  test: MnistSet,
  opts: ThreeSourceOptions = {},
): ThreeSourceBank {
  const { factor = 0.01, cap = 200, seed = 0, K = 2, testPerClass = 100 } = opts;
  const { standardise = false, shift = 2, noise = 0.05 } = opts;
  const classes = FASHION_MNIST_CLASSES;
  const C = classes.length;
  const D = train.rows * train.cols;
  const S = THREE_SOURCES.length;

  // §2 with c = cap: a seeded `cap` per class first, then the imbalanced profile on that pool.
  const pool = applyProfile(train.labels, { kind: 'lowshot', shots: cap }, seed, classes);
  const sel = applyProfile(pool.byClass, { kind: 'imbalanced', factor }, seed, classes);
  const tsel = applyProfile(test.labels, { kind: 'lowshot', shots: testPerClass }, seed, classes);
  const nTrain = sel.indices.length;
  const N = nTrain + tsel.indices.length;
  const origin = Int32Array.from([...sel.indices, ...tsel.indices]);
  const labels = new Int32Array(N);
  for (let n = 0; n < N; n++) labels[n] = (n < nTrain ? train.labels : test.labels)[origin[n]];
  const half = stratifiedHalfSplit(labels.subarray(0, nTrain), seed, classes);
  const testIdx = Array.from({ length: N - nTrain }, (_, i) => nTrain + i);

  const features = new Float32Array(N * S * K * D);
  const harmfulOrigin = new Int32Array(N * K);
  const byClass = groupByClass(train.labels, undefined, C);
  const rng = new Rng(seed);
  const helpRng = rng.fork('three-source:helpful');
  const harmRng = rng.fork('three-source:harmful');
  const dims = { S, K, D };
  for (let n = 0; n < N; n++) {
    const pixels = n < nTrain ? train.images : test.images;
    const src = pixels.subarray(origin[n] * D, (origin[n] + 1) * D);
    for (let k = 0; k < K; k++) {
      const id = featureOffset(dims, n, 0, k);
      for (let d = 0; d < D; d++) features[id + d] = src[d] / 255;
      shiftAndNoise(
        src,
        train.rows,
        train.cols,
        features,
        featureOffset(dims, n, 1, k),
        helpRng,
        shift,
        noise,
      );
      // Another class, uniformly, then one of its images.
      const other = (labels[n] + 1 + harmRng.int(C - 1)) % C;
      const j = byClass[other][harmRng.int(byClass[other].length)];
      harmfulOrigin[n * K + k] = j;
      const h = featureOffset(dims, n, 2, k);
      for (let d = 0; d < D; d++) features[h + d] = train.images[j * D + d] / 255;
    }
  }
  if (standardise) standardiseInPlace(features, nTrain, S * K, D);

  const bank: FeatureBank = {
    classes: [...classes],
    sources: [...THREE_SOURCES],
    N,
    S,
    K,
    D,
    features,
    labels,
    split: { train: half.train, valid: half.valid, test: testIdx },
  };
  return { bank, nTrain, origin, harmfulOrigin, counts: sel.counts, order: sel.order ?? [] };
}

/** Load Fashion-MNIST (train and t10k) and build the bank. */
export async function loadThreeSourceBank(
  opts: ThreeSourceOptions = {},
  readFile?: ReadFile,
): Promise<ThreeSourceBank> {
  const [train, test] = await Promise.all([
    loadFashionMnist('train', readFile),
    loadFashionMnist('test', readFile),
  ]);
  return buildThreeSourceBank(train, test, opts);
}

/**
 * Write a shifted (zero fill), noisy copy of `src` (0..255) at out[off..off+rows*cols) on the 0..1 scale.
 * With no noise a zero shift is redrawn, so a helpful candidate never equals the image itself.
 */
function shiftAndNoise(
  src: Uint8Array,
  rows: number,
  cols: number,
  out: Float32Array,
  off: number,
  rng: Rng,
  shift: number,
  noise: number,
): void {
  let dx = 0;
  let dy = 0;
  do {
    dx = rng.int(2 * shift + 1) - shift;
    dy = rng.int(2 * shift + 1) - shift;
  } while (noise === 0 && shift > 0 && dx === 0 && dy === 0);
  for (let r = 0; r < rows; r++) {
    const sr = r - dy;
    for (let c = 0; c < cols; c++) {
      const sc = c - dx;
      let v = sr >= 0 && sr < rows && sc >= 0 && sc < cols ? src[sr * cols + sc] / 255 : 0;
      if (noise > 0) v = Math.min(1, Math.max(0, v + noise * rng.normal()));
      out[off + r * cols + c] = v;
    }
  }
}

/** z-score each dim over the identity features of samples [0, nFit); constant dims are only centred. */
function standardiseInPlace(f: Float32Array, nFit: number, rowsPerSample: number, D: number): void {
  const mean = new Float64Array(D);
  const sq = new Float64Array(D);
  for (let n = 0; n < nFit; n++) {
    const o = n * rowsPerSample * D; // source 0, candidate 0
    for (let d = 0; d < D; d++) {
      mean[d] += f[o + d];
      sq[d] += f[o + d] * f[o + d];
    }
  }
  const scale = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    mean[d] /= nFit;
    const sd = Math.sqrt(Math.max(0, sq[d] / nFit - mean[d] * mean[d]));
    scale[d] = sd > 1e-6 ? 1 / sd : 1;
  }
  for (let i = 0; i < f.length; i++) {
    const d = i % D;
    f[i] = (f[i] - mean[d]) * scale[d];
  }
}

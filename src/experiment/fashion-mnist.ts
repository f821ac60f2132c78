/**
 * Fashion-MNIST (Xiao et al. 2017, MIT) as an experiment dataset: Debian's `dataset-fashion-mnist` gzipped
 * IDX files, read through an injected `readFile` (Deno in the CLI, Node in tests) and inflated with the web
 * DecompressionStream. `fashionMnistSetting` makes one benchmark setting (ALGORITHM §2): a seeded pool of
 * `cap` images per class (c of §2), the imbalanced or low-shot profile on it, D_train/D_valid half/half
 * per class, and `testPerClass` images per class of the official test set.
 */
import { BadDatasetError } from '../core/errors.ts';
import { applyProfile, type Profile } from '../core/profiles.ts';
import { stratifiedHalfSplit } from '../core/split.ts';
import type { BankSplit } from '../train/bank.ts';
import type { LabelledImages } from './image-bank.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export type ReadFile = (path: string) => Promise<Uint8Array>;

export interface GreySet {
  /** count × rows × cols grey levels. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parse an unsigned-byte IDX file (magic 0x00 0x00 0x08 ndims, big-endian u32 dims, data). */
export function parseIdx(bytes: Uint8Array, name = 'idx'): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new BadDatasetError(name, 'not an IDX file (bad magic)');
  if (bytes[2] !== 0x08) {
    throw new BadDatasetError(name, `IDX element type 0x${bytes[2].toString(16)} is not unsigned byte`);
  }
  const nd = bytes[3];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * nd) throw new BadDatasetError(name, 'truncated IDX header');
  const dims = Array.from({ length: nd }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * nd;
  const need = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== need) {
    throw new BadDatasetError(
      name,
      `${bytes.length - start} data bytes but dims (${dims.join(', ')}) need ${need}`,
    );
  }
  return { dims, data: bytes.subarray(start) };
}

/** Load 'train' (60 000) or 'test' (t10k, 10 000). */
export async function loadFashionMnist(
  which: 'train' | 'test',
  readFile: ReadFile,
  dir = FASHION_MNIST_DIR,
): Promise<GreySet> {
  const prefix = which === 'train' ? 'train' : 't10k';
  const names = [`${dir}/${prefix}-images-idx3-ubyte.gz`, `${dir}/${prefix}-labels-idx1-ubyte.gz`];
  const raw = await Promise.all(
    names.map((n) =>
      readFile(n).catch((e) => {
        throw new BadDatasetError(
          n,
          `cannot be read (${(e as Error).message}); install Debian's dataset-fashion-mnist or pass its folder`,
        );
      }),
    ),
  );
  const [img, lbl] = await Promise.all(raw.map(async (b, i) => parseIdx(await gunzip(b), names[i])));
  if (img.dims.length !== 3 || lbl.dims.length !== 1 || img.dims[0] !== lbl.dims[0])
    throw new BadDatasetError(names[0], `dims (${img.dims}) do not match the labels (${lbl.dims})`);
  return { images: img.data, labels: lbl.data, count: img.dims[0], rows: img.dims[1], cols: img.dims[2] };
}

export interface SettingOptions {
  /** Images per class before the profile (c of ALGORITHM §2). */
  cap: number;
  testPerClass: number;
}

export interface Setting {
  images: LabelledImages;
  split: BankSplit;
  /** Training images (D_train ∪ D_valid) per class. */
  trainCounts: number[];
}

/** One benchmark setting of Fashion-MNIST for a profile and seed. */
export function fashionMnistSetting(
  train: GreySet,
  test: GreySet,
  profile: Profile,
  seed: number,
  opts: SettingOptions,
): Setting {
  const classes = FASHION_MNIST_CLASSES;
  const pool = applyProfile(train.labels, { kind: 'lowshot', shots: opts.cap }, seed, classes);
  const sel = applyProfile(pool.byClass, profile, seed, classes);
  const tsel = applyProfile(test.labels, { kind: 'lowshot', shots: opts.testPerClass }, seed, classes);
  const nTrain = sel.indices.length;
  const N = nTrain + tsel.indices.length;
  const npx = train.rows * train.cols;
  const pixels = new Uint32Array(N * npx);
  const labels = new Int32Array(N);
  const put = (set: GreySet, from: number, to: number) => {
    labels[to] = set.labels[from];
    for (let p = 0; p < npx; p++) {
      const v = set.images[from * npx + p];
      pixels[to * npx + p] = (v | (v << 8) | (v << 16) | 0xff000000) >>> 0;
    }
  };
  sel.indices.forEach((i, n) => {
    put(train, i, n);
  });
  tsel.indices.forEach((i, j) => {
    put(test, i, nTrain + j);
  });
  const half = stratifiedHalfSplit(labels.subarray(0, nTrain), seed, classes);
  return {
    images: { classes: [...classes], width: train.cols, height: train.rows, pixels, labels },
    split: {
      train: half.train,
      valid: half.valid,
      test: Array.from({ length: N - nTrain }, (_, j) => nTrain + j),
    },
    trainCounts: sel.counts,
  };
}

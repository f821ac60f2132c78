/**
 * Fashion-MNIST (Xiao et al. 2017, MIT) from Debian's `dataset-fashion-mnist` package: gzipped IDX files
 * read through an injectable `readFile` (Node or Deno) and inflated with the web `DecompressionStream`,
 * so the same loader runs in vitest (Node) and in Deno's GPU tier.
 */

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

export interface MnistSet {
  /** count × rows × cols pixels, row-major, 0..255. */
  images: Uint8Array;
  /** count labels, 0..9. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Deno.readFile in Deno, fs.promises.readFile in Node. */
export async function defaultReadFile(): Promise<ReadFile> {
  const deno = (globalThis as { Deno?: { readFile(p: string): Promise<Uint8Array> } }).Deno;
  if (deno) return (p) => deno.readFile(p);
  const fs = await import('node:fs/promises');
  return async (p) => {
    const b = await fs.readFile(p);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  };
}

/** Whether the dataset is installed (the tests skip with a message when it is not). */
export async function fashionMnistAvailable(readFile?: ReadFile, dir = FASHION_MNIST_DIR): Promise<boolean> {
  const rf = readFile ?? (await defaultReadFile());
  try {
    await rf(`${dir}/t10k-labels-idx1-ubyte.gz`);
    return true;
  } catch {
    return false;
  }
}

export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Parse an unsigned-byte IDX file (magic 0x0000 08 <ndims>, big-endian u32 dims, then the data). */
export function parseIdx(bytes: Uint8Array, name = 'idx'): { dims: number[]; data: Uint8Array } {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw new Error(`${name}: not an IDX file (bad magic)`);
  if (bytes[2] !== 0x08)
    throw new Error(`${name}: IDX element type 0x${bytes[2].toString(16)} is not unsigned byte`);
  const nd = bytes[3];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * nd) throw new Error(`${name}: truncated IDX header`);
  const dims = Array.from({ length: nd }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * nd;
  const need = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== need) {
    throw new Error(`${name}: ${bytes.length - start} data bytes but dims (${dims.join(', ')}) need ${need}`);
  }
  return { dims, data: bytes.subarray(start) };
}

const cache = new Map<string, Promise<MnistSet>>();

/** Load the 'train' (60 000) or 'test' (t10k, 10 000) set. Cached per process. */
export function loadFashionMnist(
  which: 'train' | 'test',
  readFile?: ReadFile,
  dir = FASHION_MNIST_DIR,
): Promise<MnistSet> {
  const key = `${dir}|${which}`;
  let p = cache.get(key);
  if (!p) {
    p = load(which, readFile, dir);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function load(which: 'train' | 'test', readFile: ReadFile | undefined, dir: string): Promise<MnistSet> {
  const rf = readFile ?? (await defaultReadFile());
  const prefix = which === 'train' ? 'train' : 't10k';
  const imgName = `${dir}/${prefix}-images-idx3-ubyte.gz`;
  const lblName = `${dir}/${prefix}-labels-idx1-ubyte.gz`;
  const [imgGz, lblGz] = await Promise.all([rf(imgName), rf(lblName)]);
  const img = parseIdx(await gunzip(imgGz), imgName);
  const lbl = parseIdx(await gunzip(lblGz), lblName);
  if (img.dims.length !== 3 || lbl.dims.length !== 1 || img.dims[0] !== lbl.dims[0]) {
    throw new Error(`${imgName}: dims (${img.dims}) do not match labels (${lbl.dims})`);
  }
  return { images: img.data, labels: lbl.data, count: img.dims[0], rows: img.dims[1], cols: img.dims[2] };
}

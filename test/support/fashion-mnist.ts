/**
 * Fashion-MNIST (Xiao et al. 2017, MIT) from Debian's `dataset-fashion-mnist` package: gzipped IDX files
 * read through an injectable `readFile` (Node or Deno) and inflated with the web `DecompressionStream`,
 * so the same loader runs in vitest (Node) and in Deno's GPU tier.
 */

import {
  FASHION_MNIST_DIR,
  type GreySet,
  loadFashionMnist as loadUncached,
  type ReadFile,
} from '../../src/experiment/fashion-mnist.ts';

export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  gunzip,
  parseIdx,
  type ReadFile,
} from '../../src/experiment/fashion-mnist.ts';

export type MnistSet = GreySet;

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

const cache = new Map<string, Promise<MnistSet>>();

/** The product's loader with the runtime's file reader, cached per process (tests load it often). */
export function loadFashionMnist(
  which: 'train' | 'test',
  readFile?: ReadFile,
  dir = FASHION_MNIST_DIR,
): Promise<MnistSet> {
  const key = `${dir}|${which}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => loadUncached(which, readFile ?? (await defaultReadFile()), dir))();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

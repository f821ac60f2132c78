#!/usr/bin/env node
/**
 * Writes the first N images of the Fashion-MNIST training set (Debian's dataset-fashion-mnist) as 28×28
 * grayscale PNGs into DIR/<class>/<index>.png: a folder `autogenda run --data DIR` imports, for the
 * memory measurements in bench/RESULTS.md ("Memory against dataset size").
 * Usage: node bench/fashion-folder.mjs N DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { DEMO_CLASSES, FASHION_MNIST_DIR } from '../scripts/make-demo-set.mjs';

const [n, out] = [Number(process.argv[2]), process.argv[3]];
if (!Number.isInteger(n) || n < 1 || !out) {
  console.error('usage: node bench/fashion-folder.mjs N DIR');
  process.exit(2);
}
const idx = (name) => {
  const b = new Uint8Array(gunzipSync(readFileSync(join(FASHION_MNIST_DIR, name))));
  const dims = Array.from({ length: b[3] }, (_, i) => new DataView(b.buffer).getUint32(4 + 4 * i, false));
  return { dims, data: b.subarray(4 + 4 * dims.length) };
};
const images = idx('train-images-idx3-ubyte.gz');
const labels = idx('train-labels-idx1-ubyte.gz').data;
const [, rows, cols] = images.dims;
if (n > labels.length) throw new Error(`only ${labels.length} training images`);
for (const c of DEMO_CLASSES) mkdirSync(join(out, c), { recursive: true });
for (let i = 0; i < n; i++) {
  const px = images.data.subarray(i * rows * cols, (i + 1) * rows * cols);
  const png = encodePng({ width: cols, height: rows, data: px, channels: 1, depth: 8 });
  writeFileSync(join(out, DEMO_CLASSES[labels[i]], `${i}.png`), png);
}
console.log(`wrote ${n} PNGs into ${out}`);

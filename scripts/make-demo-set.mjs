#!/usr/bin/env node
/**
 * Writes public/demo/fashion-mnist-demo.zip, the app's bundled demo dataset: the first 10 images of
 * each class of the Fashion-MNIST TEST set (Zalando Research, MIT) from Debian's dataset-fashion-mnist
 * package, as 28×28 grayscale PNGs in one folder per class, with README.txt and LICENSE.txt inside
 * the zip and next to it.
 * Run once: `node scripts/make-demo-set.mjs`. Every byte is fixed (fixed zip timestamps, same encoder
 * versions), so running it again reproduces the committed files; test/unit/demo-set.test.ts checks that.
 * `--out DIR` writes them into DIR instead.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const PER_CLASS = 10;
/** Label order of Fashion-MNIST; folder names avoid '/' and spaces. */
export const DEMO_CLASSES = [
  'T-shirt-top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle-boot',
];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_OUT = join(ROOT, 'public', 'demo');
export const DEMO_ZIP_NAME = 'fashion-mnist-demo.zip';

// Local-time fields, so the zip's DOS timestamps do not depend on the time zone of whoever runs this.
const MTIME = new Date(2017, 7, 25, 0, 0, 0);

function parseIdx(bytes, name) {
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08)
    throw new Error(`${name}: not an unsigned-byte IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: bytes[3] }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dims, data: bytes.subarray(4 + 4 * dims.length) };
}

function readIdx(path) {
  let gz;
  try {
    gz = readFileSync(path);
  } catch {
    throw new Error(`${path} is missing: install Debian's dataset-fashion-mnist (scripts/setup.sh does).`);
  }
  return parseIdx(new Uint8Array(gunzipSync(gz)), path);
}

/** Test-set indices of the first PER_CLASS images of each class, per class in label order. */
export function chooseIndices(labels) {
  const picked = DEMO_CLASSES.map(() => []);
  for (let i = 0; i < labels.length; i++) {
    const list = picked[labels[i]];
    if (list.length < PER_CLASS) list.push(i);
  }
  return picked;
}

function readme(indices) {
  const lines = [
    'Fashion-MNIST demo subset for AutoGenDA',
    '=======================================',
    '',
    'Source: Fashion-MNIST by Zalando Research (Xiao, Rasul & Vollgraf, 2017),',
    'https://github.com/zalandoresearch/fashion-mnist, as packaged by Debian in',
    `dataset-fashion-mnist (${FASHION_MNIST_DIR}/t10k-*-ubyte.gz).`,
    '',
    `Contents: ${DEMO_CLASSES.length} class folders x ${PER_CLASS} images = ${DEMO_CLASSES.length * PER_CLASS} images,`,
    '28x28 8-bit grayscale PNG, unchanged pixels. Each image is one of the first',
    `${PER_CLASS} images of its class in the TEST set (t10k); the file name is its`,
    'index in that set (0-based). Indices per class:',
    '',
    ...DEMO_CLASSES.map((c, k) => `  ${c}: ${indices[k].join(', ')}`),
    '',
    'Regenerate (Debian package dataset-fashion-mnist installed, npm dependencies',
    'installed): node scripts/make-demo-set.mjs',
    'It writes public/demo/fashion-mnist-demo.zip, README.txt and LICENSE.txt,',
    'byte for byte the same each time.',
    '',
    'Licence: MIT (Expat), see LICENSE.txt.',
    '',
  ];
  return lines.join('\n');
}

/** The MIT licence as the Fashion-MNIST repository and Debian's copyright file give it. */
function licence() {
  const lines = [
    'Fashion-MNIST: MIT License (Expat)',
    '',
    'Copyright (c) 2017 Zalando SE, https://tech.zalando.com',
    '',
    'Permission is hereby granted, free of charge, to any person obtaining a',
    'copy of this software and associated documentation files (the "Software"),',
    'to deal in the Software without restriction, including without limitation',
    'the rights to use, copy, modify, merge, publish, distribute, sublicense,',
    'and/or sell copies of the Software, and to permit persons to whom the',
    'Software is furnished to do so, subject to the following conditions:',
    '',
    'The above copyright notice and this permission notice shall be included',
    'in all copies or substantial portions of the Software.',
    '',
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS',
    'OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF',
    'MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.',
    'IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY',
    'CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,',
    'TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE',
    'SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.',
    '',
  ];
  return lines.join('\n');
}

/** The demo zip's bytes and its README text, from the Debian files in `dir`. */
export function buildDemoSet(dir = FASHION_MNIST_DIR) {
  const images = readIdx(`${dir}/t10k-images-idx3-ubyte.gz`);
  const labels = readIdx(`${dir}/t10k-labels-idx1-ubyte.gz`);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) throw new Error(`${dir}: ${count} images but ${labels.dims[0]} labels`);
  const indices = chooseIndices(labels.data);
  const text = readme(indices);
  const licenceText = licence();
  const files = {};
  DEMO_CLASSES.forEach((name, k) => {
    for (const i of indices[k]) {
      const grey = images.data.subarray(i * rows * cols, (i + 1) * rows * cols);
      const png = encodePng({ width: cols, height: rows, data: grey, channels: 1, depth: 8 });
      files[`${name}/${String(i).padStart(5, '0')}.png`] = [png, { level: 0 }]; // PNG is compressed already
    }
  });
  files['README.txt'] = new TextEncoder().encode(text);
  files['LICENSE.txt'] = new TextEncoder().encode(licenceText);
  return { zip: zipSync(files, { mtime: MTIME, level: 9 }), readme: text, licence: licenceText, indices };
}

/** `--out DIR` writes elsewhere (the unit test compares a fresh build with the committed files). */
function main(argv) {
  const at = argv.indexOf('--out');
  const out = at >= 0 ? argv[at + 1] : DEMO_OUT;
  const set = buildDemoSet();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, DEMO_ZIP_NAME), set.zip);
  writeFileSync(join(out, 'README.txt'), set.readme);
  writeFileSync(join(out, 'LICENSE.txt'), set.licence);
  console.log(`wrote ${join(out, DEMO_ZIP_NAME)} (${set.zip.length} bytes), README.txt, LICENSE.txt`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));

#!/usr/bin/env node
/**
 * Writes public/check/*.jpg, the photos `autogenda models check` and the Models screen's Check use:
 * public-domain / CC0 photos from Debian's python3-skimage (scripts/setup.sh unpacks them into
 * .cache/skimage), centre-cropped to a square and shrunk to 256×256 by area averaging, JPEG quality 90.
 * Run once: `node scripts/make-check-photos.mjs`; the same inputs and encoder give the same bytes.
 * `--out DIR` writes them into DIR instead.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SKIMAGE = join(ROOT, '.cache', 'skimage');
export const CHECK_OUT = join(ROOT, 'public', 'check');
export const SIZE = 256;
export const QUALITY = 90;

/**
 * Each photo's licence as skimage 0.19.3 states it in skimage/data/_fetchers.py (Debian
 * python3-skimage 0.19.3-8): the docstrings of chelsea(), coffee() and astronaut().
 */
export const PHOTOS = [
  {
    out: 'cat.jpg',
    from: 'chelsea.png',
    what: 'Chelsea the cat',
    licence: 'No copyright restrictions. CC0 by the photographer (Stefan van der Walt).',
  },
  {
    out: 'coffee.jpg',
    from: 'coffee.png',
    what: 'a cup of coffee (courtesy of Pikolo Espresso Bar)',
    licence: 'No copyright restrictions. CC0 by the photographer (Rachel Michetti).',
  },
  {
    out: 'astronaut.jpg',
    from: 'astronaut.png',
    what: 'the astronaut Eileen Collins (NASA Great Images database)',
    licence: 'No known copyright restrictions, released into the public domain.',
  },
];

/** Centre square crop, then each output pixel = the mean of the source area it covers (box filter). */
export function shrink(png, size) {
  const side = Math.min(png.width, png.height);
  const x0 = Math.floor((png.width - side) / 2);
  const y0 = Math.floor((png.height - side) / 2);
  const ch = png.channels;
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    const ya = Math.floor((y * side) / size);
    const yb = Math.max(ya + 1, Math.floor(((y + 1) * side) / size));
    for (let x = 0; x < size; x++) {
      const xa = Math.floor((x * side) / size);
      const xb = Math.max(xa + 1, Math.floor(((x + 1) * side) / size));
      const acc = [0, 0, 0];
      for (let sy = ya; sy < yb; sy++)
        for (let sx = xa; sx < xb; sx++) {
          const s = ((y0 + sy) * png.width + x0 + sx) * ch;
          for (let c = 0; c < 3; c++) acc[c] += png.data[s + c];
        }
      const n = (yb - ya) * (xb - xa);
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(acc[c] / n);
      out[o + 3] = 255;
    }
  }
  return out;
}

export function makeCheckPhotos(out = CHECK_OUT) {
  mkdirSync(out, { recursive: true });
  const lines = [
    'Photos for the models check (autogenda models check; Check on the Models screen).',
    "From Debian's python3-skimage 0.19.3 (skimage/data), centre-cropped and shrunk to",
    `${SIZE}x${SIZE}, JPEG quality ${QUALITY}, by scripts/make-check-photos.mjs. Licences as skimage states them`,
    '(skimage/data/_fetchers.py):',
    '',
  ];
  for (const p of PHOTOS) {
    const png = decodePng(readFileSync(join(SKIMAGE, p.from)));
    if (png.depth !== 8 || png.channels < 3) throw new Error(`${p.from}: expected 8-bit RGB(A)`);
    const data = shrink(png, SIZE);
    const bytes = jpeg.encode({ data, width: SIZE, height: SIZE }, QUALITY).data;
    writeFileSync(join(out, p.out), bytes);
    lines.push(`${p.out}: ${p.what}; skimage ${p.from}. ${p.licence}`);
  }
  writeFileSync(join(out, 'README.txt'), `${lines.join('\n')}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--out');
  makeCheckPhotos(i > 0 ? process.argv[i + 1] : CHECK_OUT);
}

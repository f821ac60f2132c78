/**
 * The acceptance corpus of bad dataset inputs (issue 7), built in memory at test time: small seeded
 * PNG/JPEG images, Debian skimage's truncated.jpg, a text file named .jpg, a zero-byte file, a
 * 50 000 × 50 000 PNG header (crafted: valid signature, IHDR with CRC, IEND — no pixels), zips with
 * '../' entries and bombs. Paths are dataset-relative.
 */
import { readFileSync } from 'node:fs';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { Rng } from '../../src/core/rng.ts';
import type { DatasetSource } from '../../src/pipeline/import/entry.ts';
import { skimagePath } from './skimage.ts';

/** RGBA noise, seeded: distinct seeds give distinct files (no accidental duplicates). */
export function pixels(w: number, h: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  return Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : r.nextU32() & 255));
}

export function png(w: number, h: number, seed: number): Uint8Array {
  return encodePng({ width: w, height: h, data: pixels(w, h, seed), channels: 4, depth: 8 });
}

export function jpg(w: number, h: number, seed: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: pixels(w, h, seed) }, 90).data);
}

/** Insert an EXIF APP1 segment (big-endian TIFF, IFD0 with one Orientation entry) after SOI. */
export function withOrientation(jpegBytes: Uint8Array, orientation: number): Uint8Array {
  const tiff = [
    0x4d,
    0x4d,
    0,
    42,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  const body = [...'Exif'].map((c) => c.charCodeAt(0)).concat([0, 0], tiff);
  const len = body.length + 2;
  const app1 = [0xff, 0xe1, len >> 8, len & 255, ...body];
  return Uint8Array.from([...jpegBytes.subarray(0, 2), ...app1, ...jpegBytes.subarray(2)]);
}

function crc32(b: Uint8Array): number {
  let c = ~0;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: number[]): number[] {
  const td = Uint8Array.from([...type].map((c) => c.charCodeAt(0)).concat(data));
  const be = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return [...be(data.length), ...td, ...be(crc32(td))];
}

/** A well-formed PNG header claiming `w × h` RGBA pixels, with no image data at all. */
export function hugePngHeader(w = 50_000, h = 50_000): Uint8Array {
  const be = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return Uint8Array.from([
    ...sig,
    ...chunk('IHDR', [...be(w), ...be(h), 8, 6, 0, 0, 0]),
    ...chunk('IEND', []),
  ]);
}

export const truncatedJpeg = () => new Uint8Array(readFileSync(skimagePath('truncated.jpg')));
export const textAsJpeg = () => new TextEncoder().encode('this is not a picture, just text\n');

/** A dataset from a path → bytes map (and folders that stay empty), as a folder or zip would give. */
export function memorySource(
  name: string,
  files: Record<string, Uint8Array>,
  emptyFolders: string[] = [],
): DatasetSource {
  return {
    name,
    entries: Object.entries(files).map(([path, b]) => ({ path, size: b.length, read: async () => b })),
    emptyFolders,
    refused: [],
  };
}

/** fflate's zip of `files`; names are written exactly as given ('../x' included). */
export function zip(files: Record<string, Uint8Array>, level: 0 | 6 = 6): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level }]])));
}

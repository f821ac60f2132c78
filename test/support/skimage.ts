/**
 * Real photos from Debian's python3-skimage (public domain / CC0), extracted by scripts/setup.sh into
 * .cache/skimage without installing Python. PNGs decode losslessly with fast-png, so the pixels are
 * exactly the ones Pillow saw when the golden numbers were made.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { RgbImage } from '../../src/stages/image/resample.ts';

export const SKIMAGE_DIR = join(new URL('../..', import.meta.url).pathname, '.cache', 'skimage');

export function skimagePath(name: string): string {
  const p = join(SKIMAGE_DIR, name);
  if (!existsSync(p)) {
    throw new Error(`${p} is missing: run scripts/setup.sh (it extracts Debian's python3-skimage photos).`);
  }
  return p;
}

export function loadPng(name: string): RgbImage {
  const png = decode(readFileSync(skimagePath(name)));
  if (png.depth !== 8 || (png.channels !== 3 && png.channels !== 4)) {
    throw new Error(`${name}: expected 8-bit RGB(A), got depth ${png.depth} with ${png.channels} channels`);
  }
  return { width: png.width, height: png.height, channels: png.channels, data: png.data as Uint8Array };
}

/**
 * A tiny real-photo dataset for CLI runs: per class, `count` RGB crops (width × height, every `stride`-th
 * pixel) at different offsets of one of Debian's skimage photos, as PNG files in class sub-folders.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { skimagePath } from './skimage.ts';

export function writePhotoCrops(
  dir: string,
  photos: Record<string, string>,
  o: { count: number; width: number; height: number; stride: number },
): void {
  const { count, width: W, height: H, stride } = o;
  for (const [cls, file] of Object.entries(photos)) {
    const p = decode(readFileSync(skimagePath(file)));
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < count; i++) {
      const px = new Uint8Array(W * H * 3);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          for (let c = 0; c < 3; c++)
            px[(y * W + x) * 3 + c] =
              p.data[((i * 11 + y * stride) * p.width + i * 17 + x * stride) * p.channels + c];
      writeFileSync(
        join(dir, cls, `${i}.png`),
        encode({ width: W, height: H, data: px, channels: 3, depth: 8 }),
      );
    }
  }
}

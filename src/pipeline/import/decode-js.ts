/**
 * Pure-JS decoding for Deno and Node (no native addon, no install script): fast-png and jpeg-js.
 * WebP has no dependable pure-JS decoder, so it is reported as undecodable here (the browser
 * decodes it); a header-valid WebP is then skipped with that reason, never silently kept.
 */
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import type { RgbImage } from '../../stages/image/resample.ts';
import { type ImageDecoder, orient } from './decoder.ts';
import type { ImageHeader } from './header.ts';

function toRgba(data: ArrayLike<number>, w: number, h: number, channels: number, depth: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  const shift = depth === 16 ? 8 : 0; // sub-byte depths arrive already scaled to 8 bits
  for (let i = 0; i < w * h; i++) {
    const s = i * channels;
    const g = channels < 3;
    out[i * 4] = data[s] >> shift;
    out[i * 4 + 1] = data[g ? s : s + 1] >> shift;
    out[i * 4 + 2] = data[g ? s : s + 2] >> shift;
    out[i * 4 + 3] = channels === 2 || channels === 4 ? data[s + channels - 1] >> shift : 255;
  }
  return out;
}

/** Sub-byte samples (1, 2, 4 bits; rows padded to whole bytes) → one byte per sample. */
function unpack(d: Uint8Array, w: number, h: number, channels: number, depth: number): Uint8Array {
  const per = w * channels;
  const rowBytes = Math.ceil((per * depth) / 8);
  const out = new Uint8Array(per * h);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < per; i++) {
      const bit = i * depth;
      out[y * per + i] = (d[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Grey levels of a `depth`-bit image stretched to 0–255 (a 1-bit 1 is white). */
function scale(s: Uint8Array, depth: number): Uint8Array {
  const f = 255 / ((1 << depth) - 1);
  return s.map((v) => Math.round(v * f));
}

export const jsDecoder: ImageDecoder = {
  async decode(bytes: Uint8Array, header: ImageHeader): Promise<RgbImage> {
    let img: RgbImage;
    if (header.format === 'png') {
      const p = decodePng(bytes);
      const samples =
        p.depth < 8 ? unpack(p.data as Uint8Array, p.width, p.height, p.channels, p.depth) : p.data;
      if (p.palette) {
        const pal = p.palette;
        const out = new Uint8Array(p.width * p.height * 4);
        for (let i = 0; i < p.width * p.height; i++) {
          const c = pal[samples[i]] ?? [0, 0, 0];
          out.set([c[0], c[1], c[2], c.length > 3 ? (c[3] as number) : 255], i * 4);
        }
        img = { width: p.width, height: p.height, channels: 4, data: out };
      } else {
        const grey = p.depth < 8 ? scale(samples as Uint8Array, p.depth) : samples;
        img = {
          width: p.width,
          height: p.height,
          channels: 4,
          data: toRgba(grey, p.width, p.height, p.channels, p.depth),
        };
      }
    } else if (header.format === 'jpeg') {
      const j = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: 200,
        maxMemoryUsageInMB: 1024,
      });
      img = { width: j.width, height: j.height, channels: 4, data: j.data };
    } else {
      throw new Error(
        'WebP cannot be decoded in this runtime (open the dataset in the browser, or convert it to PNG/JPEG)',
      );
    }
    if (img.width !== header.width || img.height !== header.height) {
      throw new Error(
        `decoded size ${img.width}×${img.height} differs from the header's ${header.width}×${header.height}`,
      );
    }
    return orient(img, header.orientation);
  },
};

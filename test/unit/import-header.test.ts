/**
 * Image headers are read before any decoder runs: format and size from the first bytes, EXIF
 * orientation, truncation, and the bad-input cases that must never reach a decoder.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { orient } from '../../src/pipeline/import/decoder.ts';
import { displaySize, readHeader } from '../../src/pipeline/import/header.ts';
import {
  hugePngHeader,
  jpg,
  png,
  textAsJpeg,
  truncatedJpeg,
  withOrientation,
} from '../support/bad-inputs.ts';
import { skimagePath } from '../support/skimage.ts';

const riff = (chunks: number[][]) => {
  const body = [...'WEBP'].map((c) => c.charCodeAt(0)).concat(...chunks);
  const n = body.length;
  return Uint8Array.from(
    [...'RIFF']
      .map((c) => c.charCodeAt(0))
      .concat([n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24], body),
  );
};
const chunk = (id: string, data: number[]) => {
  const n = data.length;
  return [...id].map((c) => c.charCodeAt(0)).concat([n & 255, (n >> 8) & 255, 0, 0], data, n & 1 ? [0] : []);
};

describe('readHeader', () => {
  it('reads format and size of real PNG and JPEG files', () => {
    expect(readHeader(png(7, 3, 1))).toEqual({ format: 'png', width: 7, height: 3, orientation: 1 });
    expect(readHeader(jpg(9, 4, 1))).toEqual({ format: 'jpeg', width: 9, height: 4, orientation: 1 });
    expect(readHeader(new Uint8Array(readFileSync(skimagePath('rocket.jpg'))))).toMatchObject({
      width: 640,
      height: 427,
    });
  });

  it('reads WebP sizes from VP8L, VP8 and VP8X chunks, with EXIF orientation', () => {
    // VP8L: signature 0x2f, then 14-bit width-1 and height-1.
    const w = 300 - 1;
    const h = 200 - 1;
    const bits = w | (h << 14);
    const vp8l = riff([
      chunk('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >>> 24, 0]),
    ]);
    expect(readHeader(vp8l)).toEqual({ format: 'webp', width: 300, height: 200, orientation: 1 });
    const vp8 = riff([chunk('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 64, 1, 32, 0])]);
    expect(readHeader(vp8)).toMatchObject({ width: 320, height: 32 });
    const exif = [...'Exif']
      .map((c) => c.charCodeAt(0))
      .concat([0, 0, 0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    const vp8x = riff([chunk('VP8X', [8, 0, 0, 0, 99, 0, 0, 49, 0, 0]), chunk('EXIF', exif)]);
    expect(readHeader(vp8x)).toEqual({ format: 'webp', width: 100, height: 50, orientation: 6 });
  });

  it('finds EXIF orientation in a JPEG and swaps the displayed size for 5–8', () => {
    const h = readHeader(withOrientation(jpg(8, 4, 2), 6));
    expect(h).toEqual({ format: 'jpeg', width: 8, height: 4, orientation: 6 });
    expect(displaySize(h as never)).toEqual({ width: 4, height: 8 });
    expect(displaySize(readHeader(withOrientation(jpg(8, 4, 2), 3)) as never)).toEqual({
      width: 8,
      height: 4,
    });
  });

  it('reports the bad inputs with a reason, before decoding', () => {
    expect(readHeader(new Uint8Array(0))).toEqual({ reason: 'empty file (0 bytes)' });
    expect(readHeader(textAsJpeg())).toEqual({ reason: expect.stringMatching(/not a JPEG, PNG or WebP/) });
    expect(readHeader(truncatedJpeg())).toEqual({ reason: expect.stringMatching(/^truncated JPEG/) });
    // The 50 000 × 50 000 header is a valid header: its size is what import refuses.
    expect(readHeader(hugePngHeader())).toEqual({
      format: 'png',
      width: 50_000,
      height: 50_000,
      orientation: 1,
    });
  });

  it('sees truncation that browsers would silently decode as grey', () => {
    const j = jpg(32, 32, 3);
    expect(readHeader(j.subarray(0, j.length - 40))).toEqual({
      reason: 'truncated JPEG (no end-of-image marker)',
    });
    const p = png(32, 32, 3);
    expect(readHeader(p.subarray(0, p.length - 20))).toEqual({ reason: 'truncated PNG (no IEND chunk)' });
    expect(readHeader(p.subarray(0, 20))).toEqual({ reason: 'truncated PNG (no IHDR header)' });
    const vp8l = riff([chunk('VP8L', [0x2f, 1, 0, 0, 0, 0])]);
    expect(readHeader(vp8l.subarray(0, vp8l.length - 2))).toEqual({
      reason: expect.stringMatching(/^truncated WebP/),
    });
  });
});

describe('decoding and orientation', () => {
  it('decodes PNG and JPEG to RGBA of the header size; throws on what the header missed', async () => {
    const p = png(5, 4, 7);
    const img = await jsDecoder.decode(p, readHeader(p) as never);
    expect([img.width, img.height, img.data.length]).toEqual([5, 4, 80]);
    const j = jpg(6, 2, 7);
    expect((await jsDecoder.decode(j, readHeader(j) as never)).width).toBe(6);
    // Corrupt scan data with intact markers: the header passes, the decoder must not.
    const bad = p.slice();
    bad.fill(0x55, 41, bad.length - 12);
    await expect(jsDecoder.decode(bad, readHeader(bad) as never)).rejects.toThrow();
  });

  it('decodes 1-bit PNGs (skimage checker_bilevel.png) instead of losing them', async () => {
    const b = new Uint8Array(readFileSync(skimagePath('checker_bilevel.png')));
    const img = await jsDecoder.decode(b, readHeader(b) as never);
    expect(new Set(img.data)).toEqual(new Set([0, 255]));
  });

  it('turns every EXIF orientation upright', () => {
    // 2×1 stored image: pixel A (value 1) left of pixel B (value 2).
    const img = {
      width: 2,
      height: 1,
      channels: 4 as const,
      data: Uint8Array.from([1, 1, 1, 1, 2, 2, 2, 2]),
    };
    const at = (o: number) => {
      const r = orient(img, o);
      return [r.width, r.height, ...Array.from(r.data).filter((_, i) => i % 4 === 0)];
    };
    expect(at(1)).toEqual([2, 1, 1, 2]);
    expect(at(2)).toEqual([2, 1, 2, 1]); // mirrored
    expect(at(3)).toEqual([2, 1, 2, 1]); // 180°
    expect(at(6)).toEqual([1, 2, 1, 2]); // 90° clockwise: A on top
    expect(at(8)).toEqual([1, 2, 2, 1]); // 90° counter-clockwise: B on top
    expect(at(5)).toEqual([1, 2, 1, 2]); // transpose
    expect(at(7)).toEqual([1, 2, 2, 1]); // transverse
  });

  it('decodes an EXIF-rotated JPEG upright', async () => {
    const j = withOrientation(jpg(16, 8, 4), 6);
    const img = await jsDecoder.decode(j, readHeader(j) as never);
    expect([img.width, img.height]).toEqual([8, 16]);
  });
});

/**
 * f32 → f16 conversion of the bank's feature rows (issue 14): known bit patterns, round-to-nearest-even
 * ties, subnormals, ±0, Inf/NaN, the packing the WGSL `unpack2x16float(w)[d & 1]` reads, the f16 range
 * check, and a float64 property test (against Math.f16round too where the runtime has it).
 */
import { describe, expect, it } from 'vitest';
import { floatToHalfBits, halfBitsToFloat } from '../../src/core/fp16.ts';
import { Rng } from '../../src/core/rng.ts';
import { F16_MAX, f16Round, packRowsF16, roundRowsF16 } from '../../src/train/f16.ts';

const hex = (h: number) => `0x${h.toString(16).padStart(4, '0')}`;

describe('f32 → f16 bits', () => {
  it.each([
    [1, 0x3c00],
    [-1, 0xbc00],
    [0.5, 0x3800],
    [2, 0x4000],
    [-2.5, 0xc100],
    [65504, 0x7bff],
    [-65504, 0xfbff],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -14 - 2 ** -24, 0x03ff], // largest subnormal
    [3 * 2 ** -24, 0x0003],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [0, 0x0000],
    [-0, 0x8000],
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NEGATIVE_INFINITY, 0xfc00],
  ])('%d → %s', (v, want) => {
    expect(hex(floatToHalfBits(v))).toBe(hex(want));
  });

  it('rounds ties to even, and halfway-and-above up', () => {
    const ulp = 2 ** -10; // f16 spacing in [1, 2)
    expect(hex(floatToHalfBits(1 + ulp / 2))).toBe('0x3c00'); // tie, 1.0 is even
    expect(hex(floatToHalfBits(1 + (3 * ulp) / 2))).toBe('0x3c02'); // tie, 0x3c01 odd → up
    expect(hex(floatToHalfBits(1 + ulp / 2 + 2 ** -20))).toBe('0x3c01'); // just above the tie
    expect(hex(floatToHalfBits(1 + ulp / 2 - 2 ** -20))).toBe('0x3c00'); // just below
    expect(hex(floatToHalfBits(2048 + 1))).toBe('0x6800'); // spacing 2 at 2048: tie to even 2048
    expect(hex(floatToHalfBits(2048 + 3))).toBe('0x6802'); // tie to even 2052
    // subnormal ties: 0.5 · 2^-24 → 0 (even), 1.5 · 2^-24 → 2 · 2^-24, 2.5 · 2^-24 → 2 · 2^-24
    expect(hex(floatToHalfBits(2 ** -25))).toBe('0x0000');
    expect(hex(floatToHalfBits(-(2 ** -25)))).toBe('0x8000');
    expect(hex(floatToHalfBits(1.5 * 2 ** -24))).toBe('0x0002');
    expect(hex(floatToHalfBits(2.5 * 2 ** -24))).toBe('0x0002');
    expect(hex(floatToHalfBits(2 ** -25 + 2 ** -40))).toBe('0x0001'); // above half the smallest subnormal
    expect(hex(floatToHalfBits(2 ** -26))).toBe('0x0000');
    expect(hex(floatToHalfBits(1e-45))).toBe('0x0000'); // an f32 subnormal
    // the largest subnormal rounding up into the smallest normal
    expect(hex(floatToHalfBits(2 ** -14 - 2 ** -26))).toBe('0x0400');
  });

  it('overflows to Inf past 65504 + half an ulp; NaN stays NaN', () => {
    expect(hex(floatToHalfBits(65519))).toBe('0x7bff'); // below the tie at 65520
    expect(hex(floatToHalfBits(65520))).toBe('0x7c00'); // tie: rounds to even, which is Inf
    expect(hex(floatToHalfBits(1e6))).toBe('0x7c00');
    expect(hex(floatToHalfBits(-1e6))).toBe('0xfc00');
    const nan = floatToHalfBits(Number.NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
    expect(halfBitsToFloat(nan)).toBeNaN();
  });

  it('f16 → f32 is exact and inverts the conversion on every f16', () => {
    expect(halfBitsToFloat(0x3c00)).toBe(1);
    expect(halfBitsToFloat(0x7bff)).toBe(65504);
    expect(halfBitsToFloat(0x0001)).toBe(2 ** -24);
    expect(Object.is(halfBitsToFloat(0x8000), -0)).toBe(true);
    expect(halfBitsToFloat(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaNs
      expect(floatToHalfBits(halfBitsToFloat(h)), hex(h)).toBe(h);
    }
  });

  it('property: nearest f16 within 2^-11 relative (normals), 2^-25 absolute (subnormals), as Math.f16round', () => {
    const rng = new Rng(20240614);
    const f16round = (Math as { f16round?: (x: number) => number }).f16round;
    for (let i = 0; i < 20000; i++) {
      // magnitudes from 2^-30 to 2^16, both signs, as f32 values
      const v = Math.fround((rng.next() < 0.5 ? -1 : 1) * 2 ** (-30 + 46 * rng.next()));
      if (Math.abs(v) >= 65520) continue;
      const r = f16Round(v);
      if (Math.abs(v) >= 2 ** -14) expect(Math.abs(r - v) / Math.abs(v)).toBeLessThanOrEqual(2 ** -11);
      else expect(Math.abs(r - v)).toBeLessThanOrEqual(2 ** -25);
      // nearest: neither neighbour f16 is closer
      const h = floatToHalfBits(v);
      for (const n of [h - 1, h + 1]) {
        if ((n & 0x7fff) > 0x7bff || n < 0 || (n & 0x7fff) === 0x7fff) continue;
        expect(Math.abs(halfBitsToFloat(n) - v)).toBeGreaterThanOrEqual(Math.abs(r - v));
      }
      if (f16round) expect(Object.is(r, f16round(v)), `${v}`).toBe(true);
    }
  });
});

describe('packRowsF16', () => {
  it('packs element d in word d >> 1, low half for even d, ceil(D/2) words a row (odd D: high half 0)', () => {
    const D = 5;
    const data = Float32Array.from([1, -2, 0.5, 65504, 2 ** -24, /* row 1 */ -0, 3, 0.25, -1, 2]);
    const words = packRowsF16(data, 2, D);
    expect(words.length).toBe(2 * 3);
    expect(Array.from(words, (w) => w.toString(16))).toEqual(
      [0xc0003c00, 0x7bff3800, 0x00000001, 0x42008000, 0xbc003400, 0x00004000].map((w) => w.toString(16)),
    );
    // what unpack2x16float(feats[at + (d >> 1)])[d & 1] reads
    const unpack = (r: number, d: number) =>
      halfBitsToFloat((words[r * 3 + (d >> 1)] >>> (16 * (d & 1))) & 0xffff);
    for (let r = 0; r < 2; r++)
      for (let d = 0; d < D; d++) expect(unpack(r, d)).toBe(f16Round(data[r * D + d]));
  });

  it('refuses a value beyond the f16 range, naming the row, the value and --bank-precision f32', () => {
    const data = Float32Array.from([1, 2, 3, 4, 70000, 6]);
    expect(() => packRowsF16(data, 3, 2)).toThrow(RangeError);
    expect(() => packRowsF16(data, 3, 2)).toThrow(/row 2 holds 70000.*--bank-precision f32/);
    expect(() => packRowsF16(data, 3, 2, [10, 11, 12])).toThrow(/row 12 holds 70000/);
    expect(() => roundRowsF16(data, 2)).toThrow(/row 2 holds 70000.*--bank-precision f32/);
    expect(() => packRowsF16(Float32Array.from([-65520, 0]), 1, 2)).toThrow(/-65520/);
    // the largest value that still rounds to 65504 is accepted
    expect(packRowsF16(Float32Array.from([65519, -F16_MAX]), 1, 2)[0]).toBe(0xfbff7bff);
  });

  it('roundRowsF16 gives what the GPU unpacks', () => {
    const rng = new Rng(7);
    const data = Float32Array.from({ length: 60 }, () => rng.normal() * 100);
    const rounded = roundRowsF16(data, 6);
    const words = packRowsF16(data, 10, 6);
    for (let i = 0; i < data.length; i++) {
      const r = Math.floor(i / 6);
      const d = i % 6;
      expect(rounded[i]).toBe(halfBitsToFloat((words[r * 3 + (d >> 1)] >>> (16 * (d & 1))) & 0xffff));
    }
  });
});

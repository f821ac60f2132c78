/**
 * IEEE 754 binary16 ("half") on the CPU: the bank's feature rows are stored on the GPU as f16 (half the
 * memory, issue 14). The conversion happens here, not in WGSL: pack2x16float's rounding is
 * implementation-defined, while unpack2x16float is exact, so the GPU and the CPU reference
 * (src/train/reference.ts) see bit-identical values.
 */

/** Largest finite f16. */
export const F16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * f32 → f16 bits, round to nearest, ties to even (subnormals, ±0, ±Inf and NaN kept; a finite value that
 * rounds past 65504 becomes ±Inf, as IEEE says: packRowsF16 refuses it before that).
 */
export function f32ToF16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const man = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 | (man >>> 13) : 0); // Inf, or a quiet NaN
  const e = exp - 127 + 15; // the f16 biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // beyond 2^16: Inf
  if (e <= 0) {
    // subnormal f16 (or zero): value = m · 2^-24, m = (1.man) · 2^(exp-127+24)
    if (e < -10) return sign; // below half the smallest subnormal (2^-25): ±0
    const m = man | 0x800000; // 24-bit significand (f32 subnormals fall in the e < -10 branch)
    const shift = 14 - e; // 14..24
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++; // may carry into the smallest normal: still right
    return sign | h;
  }
  let h = (e << 10) | (man >>> 13);
  const rest = man & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // a carry rolls into the exponent (maybe to Inf)
  return sign | h;
}

/** f16 bits → the exact value (as a number; every f16 is an f32). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 0x1f) return man ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** The value f16 storage gives back for `v`: round to nearest even f16, widened again. */
export function f16Round(v: number): number {
  return f16BitsToF32(f32ToF16Bits(v));
}

/** Words of a packed row of D halves: two per u32. */
export const f16RowWords = (D: number): number => Math.ceil(D / 2);

/**
 * `rows` rows of D floats → f16, ceil(D/2) u32 words per row: element d in word d >> 1, the low half for
 * an even d (WGSL `unpack2x16float(w)[d & 1]`); an odd D leaves the last word's high half 0. A finite
 * value that would become Inf throws a RangeError naming its row (`rowIds[r]` where given: the bank's row).
 */
export function packRowsF16(
  data: Float32Array,
  rows: number,
  D: number,
  rowIds?: ArrayLike<number>,
): Uint32Array {
  if (data.length < rows * D)
    throw new RangeError(`packRowsF16: ${data.length} values for ${rows} rows of ${D}`);
  const W = f16RowWords(D);
  const out = new Uint32Array(rows * W);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) {
      const h = toF16Checked(data[r * D + d], rowIds ? rowIds[r] : r);
      out[r * W + (d >> 1)] |= d & 1 ? h << 16 : h;
    }
  }
  return out;
}

/**
 * Rows of D floats as f16 storage gives them back (the reference's training rows under bankPrecision
 * f16), refusing what packRowsF16 refuses.
 */
export function roundRowsF16(data: Float32Array, D: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f16BitsToF32(toF16Checked(data[i], Math.floor(i / D)));
  return out;
}

/** f16 bits of a value that must stay finite. */
function toF16Checked(v: number, row: number): number {
  const h = f32ToF16Bits(v);
  if ((h & 0x7fff) === 0x7c00 && Number.isFinite(v))
    throw new RangeError(
      `feature row ${row} holds ${v}, beyond the f16 maximum ${F16_MAX}: ` +
        'use --bank-precision f32 for this bank',
    );
  return h;
}

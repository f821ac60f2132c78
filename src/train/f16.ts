/**
 * The bank's feature rows as f16 on the GPU (half the memory, issue 14), packed two halves per u32 on the
 * CPU with the project's one f32 ↔ f16 conversion (src/core/fp16.ts): WGSL's pack2x16float rounding is
 * implementation-defined, while unpack2x16float is exact, so the GPU and the CPU reference
 * (src/train/reference.ts) see bit-identical values.
 */

import { floatToHalfBits, halfBitsToFloat } from '../core/fp16.ts';

/** Largest finite f16. */
export const F16_MAX = 65504;

/** The value f16 storage gives back for `v`: round to nearest even f16, widened again. */
export function f16Round(v: number): number {
  return halfBitsToFloat(floatToHalfBits(v));
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
  for (let i = 0; i < data.length; i++) out[i] = halfBitsToFloat(toF16Checked(data[i], Math.floor(i / D)));
  return out;
}

/** f16 bits of a value that must stay finite. */
function toF16Checked(v: number, row: number): number {
  const h = floatToHalfBits(v);
  if ((h & 0x7fff) === 0x7c00 && Number.isFinite(v))
    throw new RangeError(
      `feature row ${row} holds ${v}, beyond the f16 maximum ${F16_MAX}: ` +
        'use --bank-precision f32 for this bank',
    );
  return h;
}

/**
 * AugOp → the words the augmentation kernel reads: OP_WORDS u32 per image (op code, then arguments) and,
 * for resized crops, Pillow's fixed-point resampling coefficients in a shared i32 table.
 */
import { ConfigError } from '../../core/errors.ts';
import { OP_CODE, OP_WORDS } from './augment.wgsl.ts';
import { type AugOp, affineFixed, resampleAxis } from './ops.ts';

export interface EncodedOps {
  words: Uint32Array;
  /** Never empty (a zero-size binding is invalid). */
  coef: Int32Array;
}

const f32Bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

/** Encode one op per image of a width × height batch. `coefBase` offsets crop tables into a larger table. */
export function encodeOps(ops: readonly AugOp[], width: number, height: number, coefBase = 0): EncodedOps {
  const words = new Uint32Array(ops.length * OP_WORDS);
  const coef: number[] = [];
  ops.forEach((op, i) => {
    const w = words.subarray(i * OP_WORDS, (i + 1) * OP_WORDS);
    w[0] = OP_CODE[op.op];
    switch (op.op) {
      case 'affine':
        w.set(new Uint32Array(affineFixed(op.matrix).buffer), 1);
        break;
      case 'brightness':
      case 'color':
      case 'contrast':
      case 'sharpness':
        w[1] = f32Bits(op.factor);
        break;
      case 'posterize':
        if (!(Number.isInteger(op.bits) && op.bits >= 0 && op.bits <= 8))
          throw new ConfigError(`posterize bits must be an integer in 0..8, got ${op.bits}`);
        w[1] = ~(2 ** (8 - op.bits) - 1) & 0xff;
        break;
      case 'solarize':
        w[1] = f32Bits(op.threshold);
        break;
      case 'resizedCrop': {
        const { top, left, height: h, width: cw } = op;
        if (!(top >= 0 && left >= 0 && h >= 1 && cw >= 1 && top + h <= height && left + cw <= width))
          throw new ConfigError(`crop ${JSON.stringify(op)} does not fit a ${width}×${height} image`);
        const hx = resampleAxis(cw, width);
        const vy = resampleAxis(h, height);
        w[1] = coefBase + coef.length;
        w[2] = hx.taps;
        w[3] = vy.taps;
        pushAxis(coef, hx, left);
        pushAxis(coef, vy, top);
        break;
      }
      default:
        break;
    }
  });
  return { words, coef: coef.length ? Int32Array.from(coef) : new Int32Array(1) };
}

/** Per output index: absolute first source index, taps used, then `taps` weights. */
function pushAxis(out: number[], a: ReturnType<typeof resampleAxis>, offset: number): void {
  for (let i = 0; i < a.min.length; i++) {
    out.push(a.min[i] + offset, a.count[i]);
    for (let t = 0; t < a.taps; t++) out.push(a.weights[i * a.taps + t]);
  }
}

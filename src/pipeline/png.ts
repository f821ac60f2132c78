/** Generated images are stored and exported as PNG (lossless: features of a cached image equal fresh ones). */
import { encode } from 'fast-png';
import type { RgbImage } from '../stages/image/resample.ts';

export function encodePng(img: RgbImage): Uint8Array {
  return encode({
    width: img.width,
    height: img.height,
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    channels: img.channels,
    depth: 8,
  });
}

/**
 * Decoding is the platform's job: createImageBitmap in the browser (decode-browser.ts), pure-JS
 * decoders in Deno and Node (decode-js.ts). Import only needs to know a file really decodes and to
 * what size; it keeps the original bytes, not the pixels.
 */
import type { RgbImage } from '../../stages/image/resample.ts';
import type { ImageHeader } from './header.ts';

export interface ImageDecoder {
  /** RGBA pixels with EXIF orientation applied; throws (any error) when the file does not decode. */
  decode(bytes: Uint8Array, header: ImageHeader): Promise<RgbImage>;
}

/** Rotate/flip RGBA pixels from EXIF orientation `o` (2–8) to upright. */
export function orient(img: RgbImage, o: number): RgbImage {
  if (o <= 1 || o > 8) return img;
  const { width: w, height: h, data } = img;
  const swap = o >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // (x, y) in the upright image comes from (sx, sy) in the stored one.
      let sx: number;
      let sy: number;
      switch (o) {
        case 2:
          [sx, sy] = [w - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [w - 1 - x, h - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, h - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, h - 1 - x];
          break;
        case 7:
          [sx, sy] = [w - 1 - y, h - 1 - x];
          break;
        default:
          [sx, sy] = [w - 1 - y, x];
          break;
      }
      const s = (sy * w + sx) * 4;
      out.set(data.subarray(s, s + 4), (y * W + x) * 4);
    }
  }
  return { width: W, height: H, channels: 4, data: out };
}

/**
 * Images for the augmentation ops: 8-bit RGBA, row-major. On the GPU a pixel is one u32 with R in the low
 * byte (the little-endian view of the same bytes), so a Uint8Array of RGBA bytes uploads as is.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes: R, G, B, A. */
  data: Uint8Array;
}

/** A batch of same-size images, packed one u32 per pixel (R | G << 8 | B << 16 | A << 24). */
export interface ImageBatch {
  width: number;
  height: number;
  count: number;
  pixels: Uint32Array;
}

/** Grey levels (one byte per pixel, e.g. MNIST) as RGBA with R = G = B and opaque alpha. */
export function greyToRgba(grey: Uint8Array, width: number, height: number): RgbaImage {
  const n = width * height;
  if (grey.length !== n) throw new RangeError(`greyToRgba: ${grey.length} bytes for ${width}×${height}`);
  const data = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = grey[i];
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/** RGB bytes (3 per pixel) as RGBA with opaque alpha. */
export function rgbToRgba(rgb: Uint8Array, width: number, height: number): RgbaImage {
  const n = width * height;
  if (rgb.length !== 3 * n) throw new RangeError(`rgbToRgba: ${rgb.length} bytes for ${width}×${height}×3`);
  const data = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    data[4 * i] = rgb[3 * i];
    data[4 * i + 1] = rgb[3 * i + 1];
    data[4 * i + 2] = rgb[3 * i + 2];
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}

/** Pack same-size images into one batch (copies). */
export function packBatch(images: readonly RgbaImage[]): ImageBatch {
  if (images.length === 0) throw new RangeError('packBatch: no images');
  const { width, height } = images[0];
  const px = width * height;
  const bytes = new Uint8Array(4 * px * images.length);
  images.forEach((im, i) => {
    if (im.width !== width || im.height !== height)
      throw new RangeError(`packBatch: image ${i} is ${im.width}×${im.height}, expected ${width}×${height}`);
    bytes.set(im.data, 4 * px * i);
  });
  return { width, height, count: images.length, pixels: new Uint32Array(bytes.buffer) };
}

/** Image i of a batch, as RGBA bytes (a view, not a copy). */
export function batchImage(batch: ImageBatch, i: number): RgbaImage {
  const px = batch.width * batch.height;
  const u8 = new Uint8Array(batch.pixels.buffer, batch.pixels.byteOffset + 4 * px * i, 4 * px);
  return { width: batch.width, height: batch.height, data: u8 };
}

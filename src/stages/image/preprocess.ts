/**
 * The image processors of the model cards, step by step as Hugging Face's Python code does them:
 * resize (shortest edge with the aspect kept and the long side truncated, or to an exact size),
 * centre crop with the offset rounded down, rescale, normalise, channels first (CHW float32).
 */
import { BadDatasetError } from '../../core/errors.ts';
import type { ImagePreprocess } from '../../models/manifest.ts';
import { type RgbImage, resample, toRgb } from './resample.ts';

/** Output size of a shortest-edge resize: the short side becomes `size`, the long one ⌊size·long/short⌋. */
export function shortestEdgeSize(width: number, height: number, size: number): [number, number] {
  if (width <= height) return [size, Math.trunc((size * height) / width)];
  return [Math.trunc((size * width) / height), size];
}

export function centreCrop(img: RgbImage, w: number, h: number): RgbImage {
  const rgb = toRgb(img);
  if (w > rgb.width || h > rgb.height) {
    throw new BadDatasetError(
      'image',
      `is ${rgb.width}×${rgb.height} after resizing, smaller than the ${w}×${h} crop`,
    );
  }
  const top = Math.floor((rgb.height - h) / 2);
  const left = Math.floor((rgb.width - w) / 2);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((top + y) * rgb.width + left) * 3;
    out.set(rgb.data.subarray(from, from + w * 3), y * w * 3);
  }
  return { width: w, height: h, channels: 3, data: out };
}

/** Resize and crop only: the 8-bit image the model will see (compare it with Pillow's). */
export function resizeAndCrop(img: RgbImage, p: ImagePreprocess): RgbImage {
  if (!(img.width > 0 && img.height > 0)) throw new BadDatasetError('image', 'has no pixels');
  const [w, h] =
    'shortestEdge' in p.resize
      ? shortestEdgeSize(img.width, img.height, p.resize.shortestEdge)
      : [p.resize.width, p.resize.height];
  const sized = w === img.width && h === img.height ? toRgb(img) : resample(img, w, h, p.resample);
  return p.crop ? centreCrop(sized, p.crop.width, p.crop.height) : sized;
}

/** CHW float32: (v · rescale − mean[c]) / std[c]. */
export function normalise(img: RgbImage, p: ImagePreprocess, out?: Float32Array): Float32Array {
  const rgb = toRgb(img);
  const n = rgb.width * rgb.height;
  const t = out ?? new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const mean = p.mean[c];
    const std = p.std[c];
    for (let i = 0; i < n; i++) t[c * n + i] = (rgb.data[i * 3 + c] * p.rescale - mean) / std;
  }
  return t;
}

/** Output height and width of the tensor `preprocess` makes for this setting. */
export function outputSize(p: ImagePreprocess, img?: { width: number; height: number }): [number, number] {
  if (p.crop) return [p.crop.height, p.crop.width];
  if ('width' in p.resize) return [p.resize.height, p.resize.width];
  if (!img) throw new Error('outputSize: a shortest-edge resize without a crop depends on the image');
  const [w, h] = shortestEdgeSize(img.width, img.height, p.resize.shortestEdge);
  return [h, w];
}

export function preprocess(img: RgbImage, p: ImagePreprocess, out?: Float32Array): Float32Array {
  return normalise(resizeAndCrop(img, p), p, out);
}

/**
 * The frame a run's views are drawn on: the size the backbone resizes an image to, before its crop
 * (shortest edge s → the centre s × s of the image at shortest edge s; an exact w × h resize → w × h).
 * The Augmenter needs one size per batch, and at this size the backbone's own resize leaves a view
 * as it is while its crop frames the view as it frames the real image — so a view differs from the
 * real image's input only by its augmentation ops.
 */
import type { ImagePreprocess } from '../../models/manifest.ts';
import { centreCrop, shortestEdgeSize } from '../image/preprocess.ts';
import { type RgbImage, resample, toRgb } from '../image/resample.ts';

export interface ViewSize {
  width: number;
  height: number;
}

export function viewSize(p: ImagePreprocess): ViewSize {
  if ('shortestEdge' in p.resize) return { width: p.resize.shortestEdge, height: p.resize.shortestEdge };
  return { width: p.resize.width, height: p.resize.height };
}

/** The image at its view size, resampled with the backbone's filter (RGB). */
export function viewFrame(img: RgbImage, p: ImagePreprocess): RgbImage {
  const { width, height } = viewSize(p);
  if ('shortestEdge' in p.resize) {
    const [w, h] = shortestEdgeSize(img.width, img.height, p.resize.shortestEdge);
    const sized = w === img.width && h === img.height ? toRgb(img) : resample(img, w, h, p.resample);
    return centreCrop(sized, width, height);
  }
  return width === img.width && height === img.height ? toRgb(img) : resample(img, width, height, p.resample);
}

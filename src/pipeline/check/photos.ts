/**
 * The bundled check photos (public/check, made by scripts/make-check-photos.mjs from Debian's
 * python3-skimage; CC0 / public domain, see public/check/README.txt). Where the bytes come from is
 * injected: a file in the CLI, a fetch in the browser.
 */
import jpeg from 'jpeg-js';
import type { RgbImage } from '../../stages/image/resample.ts';

export const CHECK_PHOTOS = ['cat.jpg', 'coffee.jpg', 'astronaut.jpg'] as const;
export type CheckPhoto = (typeof CHECK_PHOTOS)[number];

export type PhotoBytes = (name: CheckPhoto) => Promise<Uint8Array>;
export type Photos = Record<CheckPhoto, RgbImage>;

export async function loadPhotos(read: PhotoBytes): Promise<Photos> {
  const out = {} as Photos;
  for (const name of CHECK_PHOTOS) {
    const bytes = await read(name);
    try {
      const d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
      out[name] = { width: d.width, height: d.height, channels: 3, data: d.data };
    } catch (e) {
      throw new Error(`check photo ${name}: not a readable JPEG (${(e as Error).message})`);
    }
  }
  return out;
}

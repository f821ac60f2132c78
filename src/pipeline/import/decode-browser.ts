/** Browser decoding: createImageBitmap applies EXIF orientation itself ('from-image'). */
import type { RgbImage } from '../../stages/image/resample.ts';
import type { ImageDecoder } from './decoder.ts';
import type { ImageHeader } from './header.ts';

const MIME = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

export const browserDecoder: ImageDecoder = {
  async decode(bytes: Uint8Array, header: ImageHeader): Promise<RgbImage> {
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: MIME[header.format] });
    const bmp = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    try {
      const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d');
      if (!ctx) throw new Error('no 2D canvas to read pixels');
      ctx.drawImage(bmp, 0, 0);
      const { data } = ctx.getImageData(0, 0, bmp.width, bmp.height);
      return { width: bmp.width, height: bmp.height, channels: 4, data: new Uint8Array(data.buffer) };
    } finally {
      bmp.close();
    }
  },
};

/**
 * Imported captions (made elsewhere, e.g. BLIP-2 in Python) attached to imported images, replacing
 * the captioner for them. The file format is the captioner's (stages/captioner/import.ts). Keys
 * match an image's path in the dataset, that path with the dataset's own top folder in front, or —
 * when unambiguous — its file name.
 */
import { parseCaptions } from '../../stages/captioner/import.ts';
import type { ImportedImage } from './import.ts';

export interface CaptionReport {
  file: string;
  attached: number;
  /** Caption keys that match no imported image (misspelt, or the image was skipped). */
  unmatched: string[];
  /** Imported images with no caption: the captioner runs for them. */
  missing: number;
  /** Set when the file itself could not be read; nothing was attached. */
  error?: string;
}

export function isCaptionFile(path: string): boolean {
  return /^captions\.(json|csv)$/i.test(path);
}

export function attachCaptions(
  file: { name: string; text: string },
  images: ImportedImage[],
  root: string,
): CaptionReport {
  let caps: Map<string, string>;
  try {
    caps = parseCaptions(file.text, file.name);
  } catch (e) {
    return {
      file: file.name,
      attached: 0,
      unmatched: [],
      missing: images.length,
      error: (e as Error).message,
    };
  }
  const byPath = new Map(images.map((i) => [i.path, i]));
  const byBase = new Map<string, ImportedImage | null>(); // null: two images share the name
  for (const i of images) {
    const b = i.path.slice(i.path.lastIndexOf('/') + 1);
    byBase.set(b, byBase.has(b) ? null : i);
  }
  const top = root.replace(/\\/g, '/').replace(/\/+$/, '');
  const topName = top.slice(top.lastIndexOf('/') + 1);
  const unmatched: string[] = [];
  let attached = 0;
  for (const [raw, caption] of caps) {
    const k = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    const img =
      byPath.get(k) ??
      (k.startsWith(`${topName}/`) ? byPath.get(k.slice(topName.length + 1)) : undefined) ??
      (k.includes('/') ? undefined : (byBase.get(k) ?? undefined));
    if (!img || img.caption !== undefined) unmatched.push(raw);
    else {
      img.caption = caption;
      attached++;
    }
  }
  return { file: file.name, attached, unmatched, missing: images.length - attached };
}

/**
 * The bundled demo dataset, drawn in code (no files to license): 3 classes × 6 small images, each a
 * class-coloured background with a class-shaped blob at a seeded position, encoded as PNG so the run
 * imports it exactly like a user's folder. Seeded, so every demo run imports the same bytes.
 */
import { Rng } from '../core/rng.ts';
import type { DatasetSource } from './import/entry.ts';
import { encodePng } from './png.ts';

export const DEMO_CLASSES = ['red-circles', 'green-squares', 'blue-stripes'] as const;
const BASE: Record<string, [number, number, number]> = {
  'red-circles': [200, 60, 50],
  'green-squares': [60, 170, 80],
  'blue-stripes': [50, 90, 200],
};
const SIZE = 32;

function draw(cls: string, rng: Rng): Uint8Array {
  const px = new Uint8Array(SIZE * SIZE * 3);
  const [r, g, b] = BASE[cls];
  const cx = 8 + rng.int(16);
  const cy = 8 + rng.int(16);
  const rad = 4 + rng.int(5);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const inside =
        cls === 'red-circles'
          ? (x - cx) ** 2 + (y - cy) ** 2 < rad * rad
          : cls === 'green-squares'
            ? Math.abs(x - cx) < rad && Math.abs(y - cy) < rad
            : ((x + y + cx) >> 2) % 2 === 0;
      const noise = rng.int(24) - 12;
      const k = inside ? 0.45 : 1;
      const o = (y * SIZE + x) * 3;
      px[o] = Math.max(0, Math.min(255, r * k + noise));
      px[o + 1] = Math.max(0, Math.min(255, g * k + noise));
      px[o + 2] = Math.max(0, Math.min(255, b * k + noise));
    }
  }
  return encodePng({ width: SIZE, height: SIZE, channels: 3, data: px });
}

export function demoSource(perClass = 6, seed = 0): DatasetSource {
  const rng = new Rng(seed);
  const entries = DEMO_CLASSES.flatMap((cls) =>
    Array.from({ length: perClass }, (_, i) => {
      const bytes = draw(cls, rng);
      return { path: `${cls}/${i}.png`, size: bytes.length, read: async () => bytes };
    }),
  );
  return { name: 'demo (procedural)', entries, emptyFolders: [], refused: [] };
}

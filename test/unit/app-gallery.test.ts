import { describe, expect, it } from 'vitest';
import { galleryOmissions } from '../../src/pipeline/app/run.ts';

describe('gallery byte budget', () => {
  it('keeps everything that fits', () => {
    expect(galleryOmissions([10, 20, 30], [5, 4, 3], 60)).toEqual([false, false, false]);
  });

  it('serves the rarest classes first and lets a smaller later class still fit', () => {
    // Rarity order: class 2 (1 image), class 0 (2), class 1 (3), class 3 (9).
    const omit = galleryOmissions([40, 30, 50, 5], [2, 3, 1, 9], 100);
    // 50 (class 2) + 40 (class 0) = 90; class 1 (30) does not fit; class 3 (5) does.
    expect(omit).toEqual([false, true, false, false]);
  });

  it('breaks ties in class order and omits a class larger than the whole budget', () => {
    expect(galleryOmissions([60, 60, 200], [1, 1, 1], 100)).toEqual([false, true, true]);
  });
});

/**
 * A run's views (render-views.ts): each image on its view frame, its ops drawn from viewRng(seed,
 * source, content hash, k). A view is byte-identical whether rendered alone or among other images of
 * other sizes (no batching in its result), matches the CPU reference chain on the framed image, and
 * another k, hash or seed gives another view.
 */
import { Rng } from '../../../src/core/rng.ts';
import type { ImagePreprocess } from '../../../src/models/manifest.ts';
import { Augmenter } from '../../../src/stages/augment/augmenter.ts';
import { rgbToRgba } from '../../../src/stages/augment/image.ts';
import { sampleView, viewPipeline } from '../../../src/stages/augment/pipelines.ts';
import { applyReference } from '../../../src/stages/augment/reference.ts';
import { renderViews, type ViewRequest } from '../../../src/stages/augment/render-views.ts';
import { viewFrame } from '../../../src/stages/augment/view-frame.ts';
import { viewRng } from '../../../src/stages/augment/view-rng.ts';
import type { RgbImage } from '../../../src/stages/image/resample.ts';
import { AssertionError, assert, freshSeed, type GpuCase } from '../harness.ts';

const PRE: ImagePreprocess = {
  resize: { shortestEdge: 24 },
  resample: 'bilinear',
  crop: { width: 20, height: 20 },
  rescale: 1 / 255,
  mean: [0, 0, 0],
  std: [1, 1, 1],
};

function randomRgb(rng: Rng, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width, height, channels: 3, data };
}

const same = (a: RgbImage, b: RgbImage) =>
  a.data.length === b.data.length && a.data.every((v, i) => v === b.data[i]);

export const runViewCases: GpuCase[] = [
  {
    name: 'run views: one view is the same alone or batched, matches the reference, and follows (hash, k, seed)',
    async run(gpu, log) {
      const seed = freshSeed();
      const rng = new Rng(seed);
      const aug = await Augmenter.create(gpu);
      const sizes: [number, number][] = [
        [40, 32],
        [24, 24],
        [30, 50],
      ];
      const reqs: ViewRequest[] = sizes.flatMap(([w, h], i) =>
        ['simple', 'randaugment'].map((source) => ({
          image: randomRgb(rng, w, h),
          source,
          hash: `h${i}`,
          k: i,
          seed: 5,
        })),
      );
      const batched = await renderViews(aug, reqs, PRE);
      let tied = 0;
      for (const [i, r] of reqs.entries()) {
        const [alone] = await renderViews(aug, [r], PRE);
        assert(
          alone.width === 24 && alone.height === 24,
          `seed ${seed}: view ${i} is ${alone.width}×${alone.height}, not 24×24`,
        );
        assert(same(alone, batched[i]), `seed ${seed}: view ${i} differs alone and in a batch`);
        // the reference: the framed image, the same ops one after another on the CPU
        const f = viewFrame(r.image, PRE);
        let img = rgbToRgba(new Uint8Array(f.data), f.width, f.height);
        let slack = false;
        for (const op of sampleView(viewPipeline(r.source), viewRng(r.seed, r.source, r.hash, r.k), 24, 24)) {
          const ref = applyReference(img, op);
          img = ref.image;
          slack ||= ref.slack.some((v) => v !== 0);
        }
        let diff = 0;
        for (let b = 0; b < img.data.length; b++) if (img.data[b] !== alone.data[b]) diff++;
        if (diff && !(slack && diff <= 0.02 * img.data.length))
          throw new AssertionError(
            `seed ${seed}: view ${i} (${r.source}): ${diff} bytes differ from the reference`,
          );
        if (diff) tied++;
      }
      // views follow the content hash, k and seed (randaugment: never the identity by chance here)
      const base = reqs[1];
      const [v0] = await renderViews(aug, [base], PRE);
      for (const other of [
        { ...base, hash: 'other' },
        { ...base, k: 9 },
        { ...base, seed: 6 },
      ]) {
        const [v] = await renderViews(aug, [other], PRE);
        assert(!same(v, v0), `seed ${seed}: ${JSON.stringify({ ...other, image: '…' })} gave the same view`);
      }
      log(`${reqs.length} views, ${tied} within the reference's tie slack`);
    },
  },
];

/**
 * Whole views on the GPU: the pipelines of pipelines.ts (simple, flip-crop, randaugment = RandAugment 2 ops,
 * magnitude 9, 31 bins on top of the simple view) sampled per image, run as ping-pong steps in one submit
 * (Augmenter.apply), against the reference applying the same ops one after another; and pixels → features.
 */
import { Rng } from '../../../src/core/rng.ts';
import { Augmenter } from '../../../src/stages/augment/augmenter.ts';
import { batchImage, packBatch, type RgbaImage } from '../../../src/stages/augment/image.ts';
import type { AugOp } from '../../../src/stages/augment/ops.ts';
import { sampleView, toSteps, VIEW_PIPELINES } from '../../../src/stages/augment/pipelines.ts';
import { applyReference } from '../../../src/stages/augment/reference.ts';
import { AssertionError, assertClose, freshSeed, type GpuCase } from '../harness.ts';
import { randomImage, SIZES } from './augment.case.ts';

function referenceChain(img: RgbaImage, ops: readonly AugOp[]): { image: RgbaImage; slack: boolean } {
  let image = img;
  let slack = false;
  for (const op of ops) {
    const r = applyReference(image, op);
    image = r.image;
    slack ||= r.slack.some((v) => v !== 0);
  }
  return { image, slack };
}

const viewCases: GpuCase[] = Object.keys(VIEW_PIPELINES).map((name) => ({
  name: `augment: '${name}' views (multi-step, one submit) match the reference chain`,
  async run(gpu, log) {
    const seed = freshSeed();
    const rng = new Rng(seed);
    const aug = await Augmenter.create(gpu);
    let images = 0;
    let tied = 0;
    let steps = 0;
    for (const [w, h] of SIZES) {
      const inputs = Array.from({ length: 12 }, () => randomImage(rng, w, h));
      const perImage = inputs.map(() => sampleView(VIEW_PIPELINES[name], rng, w, h));
      const stepList = toSteps(perImage);
      steps = Math.max(steps, stepList.length);
      const got = await aug.apply(packBatch(inputs), stepList);
      inputs.forEach((img, n) => {
        const ref = referenceChain(img, perImage[n]);
        const out = batchImage(got, n).data;
        let diff = 0;
        for (let i = 0; i < out.length; i++) if (out[i] !== ref.image.data[i]) diff++;
        // A blend tie (see augment.case.ts) may legitimately shift later ops; bound it instead of hiding it.
        if (diff && !(ref.slack && diff <= 0.02 * out.length))
          throw new AssertionError(
            `seed ${seed}: view ${n} (${w}×${h}) ops ${JSON.stringify(perImage[n])}: ${diff} bytes differ`,
          );
        if (diff) tied++;
      });
      images += inputs.length;
    }
    log(
      `seed ${seed}: ${images} views, up to ${steps} steps${tied ? `, ${tied} differ at blend ties` : ', all exact'}`,
    );
  },
}));

const featureCase: GpuCase = {
  name: 'augment: pixel features (grey = R/255, rgb = RGB/255 pixel-major) after a flip',
  async run(gpu, log) {
    const seed = freshSeed();
    const rng = new Rng(seed);
    const aug = await Augmenter.create(gpu);
    const inputs = Array.from({ length: 7 }, () => randomImage(rng, 17, 23));
    const flip: AugOp[] = inputs.map(() => ({ op: 'hflip' }));
    for (const mode of ['grey', 'rgb'] as const) {
      const got = await aug.features(packBatch(inputs), [flip], mode);
      const want: number[] = [];
      for (const img of inputs) {
        const f = applyReference(img, { op: 'hflip' }).image.data;
        for (let p = 0; p < 17 * 23; p++)
          for (let c = 0; c < (mode === 'grey' ? 1 : 3); c++) want.push(f[4 * p + c] / 255);
      }
      assertClose(`seed ${seed} ${mode}`, got, want, { rtol: 1e-6, atol: 0 });
    }
    log(`seed ${seed}: grey and rgb features match`);
  },
};

export const augmentViewCases: GpuCase[] = [...viewCases, featureCase];

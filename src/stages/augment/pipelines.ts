/**
 * View pipelines as data (ALGORITHM §6: conventional augmentation = V pre-computed views per image). A
 * pipeline is a list of torchvision-style random transforms; `sampleView` draws one view's concrete ops
 * from a seeded generator, so the GPU and the CPU reference apply the same ops.
 * - simple: RandomHorizontalFlip + RandomRotation(15°), the base augmentation of DA-Fusion's code, whose
 *   protocol the paper follows (its text says flip + crop: `flip-crop` is that variant);
 * - randaugment: the simple view, then RandAugment(2, 9, 31) on top (as DA-Fusion's pipelines apply their
 *   base transforms to every image).
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { type AugOp, rotate } from './ops.ts';
import {
  RANDAUGMENT_DEFAULTS,
  type RandAugmentConfig,
  roundHalfEven,
  sampleRandAugment,
} from './randaugment.ts';

export type ViewStep =
  | { kind: 'hflip'; p: number }
  | { kind: 'rotate'; degrees: number }
  | { kind: 'resizedCrop'; scale: readonly [number, number]; ratio: readonly [number, number] }
  | ({ kind: 'randaugment' } & RandAugmentConfig);

export type ViewPipeline = readonly ViewStep[];

const FLIP: ViewStep = { kind: 'hflip', p: 0.5 };

export const VIEW_PIPELINES: Readonly<Record<string, ViewPipeline>> = Object.freeze({
  simple: [FLIP, { kind: 'rotate', degrees: 15 }],
  'flip-crop': [FLIP, { kind: 'resizedCrop', scale: [0.08, 1], ratio: [3 / 4, 4 / 3] }],
  randaugment: [FLIP, { kind: 'rotate', degrees: 15 }, { kind: 'randaugment', ...RANDAUGMENT_DEFAULTS }],
});

export function viewPipeline(name: string): ViewPipeline {
  const p = Object.hasOwn(VIEW_PIPELINES, name) ? VIEW_PIPELINES[name] : undefined;
  if (!p)
    throw new ConfigError(
      `unknown view pipeline '${name}': use one of ${Object.keys(VIEW_PIPELINES).join(', ')}`,
    );
  return p;
}

const uniform = (rng: Rng, a: number, b: number) => a + (b - a) * rng.next();

/** torchvision RandomResizedCrop.get_params: 10 tries at a random area and log-uniform aspect ratio. */
export function sampleResizedCrop(
  rng: Rng,
  width: number,
  height: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
): { top: number; left: number; height: number; width: number } {
  const area = width * height;
  const [lr0, lr1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * uniform(rng, scale[0], scale[1]);
    const aspect = Math.exp(uniform(rng, lr0, lr1));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  // Fallback: a central crop at the nearest allowed aspect ratio.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** The concrete ops of one view of a width × height image (identity steps dropped). */
export function sampleView(pipeline: ViewPipeline, rng: Rng, width: number, height: number): AugOp[] {
  const ops: AugOp[] = [];
  for (const step of pipeline) {
    switch (step.kind) {
      case 'hflip':
        if (rng.next() < step.p) ops.push({ op: 'hflip' });
        break;
      case 'rotate':
        ops.push(rotate(uniform(rng, -step.degrees, step.degrees), width, height));
        break;
      case 'resizedCrop':
        ops.push({ op: 'resizedCrop', ...sampleResizedCrop(rng, width, height, step.scale, step.ratio) });
        break;
      case 'randaugment':
        for (const d of sampleRandAugment(rng, width, height, step))
          if (d.op.op !== 'identity') ops.push(d.op);
        break;
    }
  }
  return ops;
}

/** Pad per-image op lists with identities into steps[s][i] (what Augmenter.apply takes). */
export function toSteps(perImage: readonly (readonly AugOp[])[]): AugOp[][] {
  const n = Math.max(0, ...perImage.map((o) => o.length));
  return Array.from({ length: n }, (_, s) => perImage.map((ops) => ops[s] ?? { op: 'identity' }));
}

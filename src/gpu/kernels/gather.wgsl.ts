/**
 * Exploitation gather (ALGORITHM §8.1, §9): for batch row j draw a pool sample, draw its source by
 * Gumbel-argmax over the class logits a_y (= a sample from softmax(a_y)), draw one of that source's K
 * candidates, and copy its feature row into X. Runs once per feature-bank chunk; a row whose sample
 * lives in another chunk is skipped here and written by that chunk's dispatch. One workgroup per row.
 */
import type { KernelSpec } from '../kernel.ts';
import { bankInputs, drawWgsl, type FeatPrecision, SHAPE_AND_STEP } from './draw.wgsl.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

const make = (precision: FeatPrecision): KernelSpec => ({
  label: precision === 'f32' ? 'train_gather' : `train_gather_${precision}`,
  workgroupSize: [64],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    ...bankInputs(precision),
    { name: 'x', kind: 'rw', type: 'array<f32>' },
    { name: 'y', kind: 'rw', type: 'array<u32>' },
    { name: 'picks', kind: 'rw', type: 'array<u32>' },
    ...SHAPE_AND_STEP,
  ],
  body: /* wgsl */ `
${drawWgsl(precision)}
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let j = wid.x;
  let n = draw_sample(j);
  let label = label_of(n);
  var best = 0u;
  var bestScore = -3.4e38;
  for (var s = 0u; s < shape.S; s++) {
    let score = alpha[label * shape.S + s] + source_noise(j, s);
    if (score > bestScore) { best = s; bestScore = score; }
  }
  let k = draw_candidate(j, best);
  if (n < shape.chunkStart || n >= shape.chunkEnd) { return; }
  let src = feature_at(n, best, k);
  for (var d = lid.x; d < shape.D; d += 64u) {
    x[j * shape.D + d] = feat(src, d);
  }
  if (lid.x == 0u) {
    y[j] = label;
    picks[j * 3u] = n;
    picks[j * 3u + 1u] = best;
    picks[j * 3u + 2u] = k;
  }
}
`,
});

const KERNELS: Record<FeatPrecision, KernelSpec> = { f32: make('f32'), f16: make('f16') };

/** The gather for feature rows stored as `precision` (one spec per precision: pipelines cache by it). */
export const gatherKernelFor = (precision: FeatPrecision): KernelSpec => KERNELS[precision];

/** The gather over f32 rows. */
export const gatherKernel: KernelSpec = KERNELS.f32;

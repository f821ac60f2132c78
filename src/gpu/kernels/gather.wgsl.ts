/**
 * Exploitation gather (ALGORITHM §8.1, §9): for batch row j draw a pool sample, draw its source by
 * Gumbel-argmax over the class logits a_y (= a sample from softmax(a_y)), draw one of that source's K
 * candidates, and copy its feature row into X. Runs once per feature-bank chunk; a row whose sample
 * lives in another chunk is skipped here and written by that chunk's dispatch. One workgroup per row.
 */
import type { KernelSpec } from '../kernel.ts';
import { BANK_INPUTS, DRAW_WGSL, SHAPE_AND_STEP } from './draw.wgsl.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

export const gatherKernel: KernelSpec = {
  label: 'train_gather',
  workgroupSize: [64],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    ...BANK_INPUTS,
    { name: 'x', kind: 'rw', type: 'array<f32>' },
    { name: 'y', kind: 'rw', type: 'array<u32>' },
    { name: 'picks', kind: 'rw', type: 'array<u32>' },
    ...SHAPE_AND_STEP,
  ],
  body: /* wgsl */ `
${DRAW_WGSL}
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
    x[j * shape.D + d] = feats[src + d];
  }
  if (lid.x == 0u) {
    y[j] = label;
    picks[j * 3u] = n;
    picks[j * 3u + 1u] = best;
    picks[j * 3u + 2u] = k;
  }
}
`,
};

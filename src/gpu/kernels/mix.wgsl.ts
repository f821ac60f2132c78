/**
 * Exploration gather (ALGORITHM §8.2, feature-space deviation): for batch row j draw a pool sample and,
 * per source s, Gumbel noise g_s and one candidate; relaxed weights z = softmax((a_y + g)/τ); keep every
 * source's feature row (xs, for ∂L/∂z) and their mixture x̂ = Σ_s z_s φ_s. One workgroup per row, per chunk.
 */
import type { KernelSpec } from '../kernel.ts';
import { bankInputs, drawWgsl, type FeatPrecision, SHAPE_AND_STEP } from './draw.wgsl.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

const make = (precision: FeatPrecision): KernelSpec => ({
  label: precision === 'f32' ? 'train_mix' : `train_mix_${precision}`,
  workgroupSize: [64],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    ...bankInputs(precision),
    { name: 'xs', kind: 'rw', type: 'array<f32>' },
    { name: 'xmix', kind: 'rw', type: 'array<f32>' },
    { name: 'z', kind: 'rw', type: 'array<f32>' },
    { name: 'y', kind: 'rw', type: 'array<u32>' },
    ...SHAPE_AND_STEP,
  ],
  body: /* wgsl */ `
${drawWgsl(precision)}
const MAX_S: u32 = 16u;

fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let j = wid.x;
  let n = draw_sample(j);
  let label = label_of(n);
  var w: array<f32, MAX_S>;
  var kk: array<u32, MAX_S>;
  var top = -3.4e38;
  for (var s = 0u; s < shape.S; s++) {
    w[s] = (alpha[label * shape.S + s] + source_noise(j, s)) / step.tau;
    top = max(top, w[s]);
    kk[s] = draw_candidate(j, s);
  }
  var total = 0.0;
  for (var s = 0u; s < shape.S; s++) { w[s] = exp(w[s] - top); total += w[s]; }
  for (var s = 0u; s < shape.S; s++) { w[s] = w[s] / total; }
  if (n < shape.chunkStart || n >= shape.chunkEnd) { return; }
  var at: array<u32, MAX_S>;
  for (var s = 0u; s < shape.S; s++) { at[s] = feature_at(n, s, kk[s]); }
  for (var d = lid.x; d < shape.D; d += 64u) {
    var acc = 0.0;
    for (var s = 0u; s < shape.S; s++) {
      let v = feat(at[s], d);
      xs[(j * shape.S + s) * shape.D + d] = v;
      acc += w[s] * v;
    }
    xmix[j * shape.D + d] = acc;
  }
  if (lid.x == 0u) {
    y[j] = label;
    for (var s = 0u; s < shape.S; s++) { z[j * shape.S + s] = w[s]; }
  }
}
`,
});

const KERNELS: Record<FeatPrecision, KernelSpec> = { f32: make('f32'), f16: make('f16') };

/** The mixture for feature rows stored as `precision` (one spec per precision: pipelines cache by it). */
export const mixKernelFor = (precision: FeatPrecision): KernelSpec => KERNELS[precision];

/** The mixture over f32 rows. */
export const mixKernel: KernelSpec = KERNELS.f32;

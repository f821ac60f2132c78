/**
 * Fused gradient + Adam for one dense layer P = [W | b] (W: R×Cin, b: R): with the batch small,
 * ∂W[r][c] = Σ_j G[j][r]·In[j][c] and ∂b[r] = Σ_j G[j][r] are computed right where they are applied,
 * so no gradient buffer is written or read. Adam as PyTorch (L2 weight decay added to the gradient);
 * moments interleaved (m, v) per parameter. The grid (folded over x/y) holds the weight invocations first
 * and the R bias invocations after them, so only the last workgroup takes the bias path.
 * - scalar: one weight per invocation (any Cin);
 * - vec4 (Cin % 4 == 0): a 4-row × 4-column block per invocation, each input vector loaded once for 4 rows.
 */
import type { KernelSpec } from '../kernel.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

export const GRAD_ADAM_WG = 64;

const ADAM = /* wgsl */ `
fn adam(p: f32, grad: f32, m: f32, v: f32) -> vec3<f32> {
  let gr = grad + step.weightDecay * p;
  let m2 = step.beta1 * m + (1.0 - step.beta1) * gr;
  let v2 = step.beta2 * v + (1.0 - step.beta2) * gr * gr;
  let p2 = p - step.lr * (m2 / step.bc1) / (sqrt(v2 / step.bc2) + step.eps);
  return vec3<f32>(p2, m2, v2);
}

fn bias_step(r: u32) {
  var grad = 0.0;
  for (var j = 0u; j < shape.B; j++) { grad += g[j * shape.R + r]; }
  let o = adam(b[r], grad, mb[2u * r], mb[2u * r + 1u]);
  b[r] = o.x; mb[2u * r] = o.y; mb[2u * r + 1u] = o.z;
}`;

const SCALAR_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * ${GRAD_ADAM_WG}u;
  let R = shape.R;
  let Cin = shape.Cin;
  if (idx < R * Cin) {
    let r = idx / Cin;
    let c = idx % Cin;
    var grad = 0.0;
    for (var j = 0u; j < shape.B; j++) { grad += g[j * R + r] * inp[j * Cin + c]; }
    let o = adam(w[idx], grad, mw[2u * idx], mw[2u * idx + 1u]);
    w[idx] = o.x; mw[2u * idx] = o.y; mw[2u * idx + 1u] = o.z;
  } else if (idx < R * Cin + R) {
    bias_step(idx - R * Cin);
  }
}`;

const VEC4_MAIN = /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * ${GRAD_ADAM_WG}u;
  let R = shape.R;
  let Cin4 = shape.Cin / 4u;
  let blocks = ((R + 3u) / 4u) * Cin4;
  if (idx >= blocks) {
    if (idx < blocks + R) { bias_step(idx - blocks); }
    return;
  }
  let r0 = (idx / Cin4) * 4u;
  let c4 = idx % Cin4;
  var acc: array<vec4<f32>, 4>;
  for (var j = 0u; j < shape.B; j++) {
    let xv = inp[j * Cin4 + c4];
    for (var q = 0u; q < 4u; q++) { acc[q] = fma(vec4<f32>(g[j * R + min(r0 + q, R - 1u)]), xv, acc[q]); }
  }
  for (var q = 0u; q < 4u; q++) {
    if (r0 + q < R) {
      let k = (r0 + q) * Cin4 + c4;
      let p = w[k];
      let lo = mw[2u * k];
      let hi = mw[2u * k + 1u];
      let gr = acc[q] + step.weightDecay * p;
      let m = step.beta1 * vec4<f32>(lo.x, lo.z, hi.x, hi.z) + (1.0 - step.beta1) * gr;
      let v = step.beta2 * vec4<f32>(lo.y, lo.w, hi.y, hi.w) + (1.0 - step.beta2) * gr * gr;
      w[k] = p - step.lr * (m / step.bc1) / (sqrt(v / step.bc2) + step.eps);
      mw[2u * k] = vec4<f32>(m.x, v.x, m.y, v.y);
      mw[2u * k + 1u] = vec4<f32>(m.z, v.z, m.w, v.w);
    }
  }
}`;

export function gradAdamKernel(vec4: boolean): KernelSpec {
  const wide = vec4 ? 'array<vec4<f32>>' : 'array<f32>';
  return {
    label: `train_grad_adam${vec4 ? '_v4' : ''}`,
    workgroupSize: [GRAD_ADAM_WG],
    structs: SHAPE_WGSL + STEP_WGSL,
    bindings: [
      { name: 'w', kind: 'rw', type: wide },
      { name: 'b', kind: 'rw', type: 'array<f32>' },
      { name: 'mw', kind: 'rw', type: wide },
      { name: 'mb', kind: 'rw', type: 'array<f32>' },
      { name: 'g', kind: 'read', type: 'array<f32>' },
      { name: 'inp', kind: 'read', type: wide },
      { name: 'shape', kind: 'uniform', type: 'Shape' },
      { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
    ],
    body: ADAM + (vec4 ? VEC4_MAIN : SCALAR_MAIN),
  };
}

/** Invocations of a layer's update: weights (or 4×4 blocks) then biases. */
export function gradAdamInvocations(R: number, Cin: number): number {
  return (Cin % 4 === 0 ? Math.ceil(R / 4) * (Cin / 4) : R * Cin) + R;
}

/** The variant for a layer's input width. */
export const gradAdamFor = (Cin: number) => gradAdamKernel(Cin % 4 === 0);

/**
 * The policy (α) update of the exploration step (ALGORITHM §8.2).
 * 1. `mixGradKernel`: ∂L/∂z_js = ⟨∂L/∂x̂_j, φ_js⟩ — one workgroup per (row, source), tree-reduced over D.
 * 2. `alphaStepKernel`: per (class c, source i), ∂L/∂a_ci = Σ_{j: y_j = c} Σ_s ∂L/∂z_js · z_js(δ_si − z_ji)/τ
 *    (the Gumbel-softmax Jacobian), then SGD or Adam. Only classes present in the batch move; Adam keeps a
 *    step count per (class, source) so a rare class's bias correction is its own (sparse Adam).
 */
import type { KernelSpec } from '../kernel.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

export const mixGradKernel: KernelSpec = {
  label: 'train_mix_grad',
  workgroupSize: [64],
  structs: SHAPE_WGSL,
  bindings: [
    { name: 'gx', kind: 'read', type: 'array<f32>' },
    { name: 'xs', kind: 'read', type: 'array<f32>' },
    { name: 'dzs', kind: 'rw', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
  ],
  body: /* wgsl */ `
var<workgroup> red: array<f32, 64>;

fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let j = wid.x / shape.S;
  let s = wid.x % shape.S;
  var acc = 0.0;
  for (var d = lid.x; d < shape.D; d += 64u) {
    acc += gx[j * shape.D + d] * xs[(j * shape.S + s) * shape.D + d];
  }
  red[lid.x] = acc;
  workgroupBarrier();
  for (var off = 32u; off > 0u; off >>= 1u) {
    if (lid.x < off) { red[lid.x] = red[lid.x] + red[lid.x + off]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { dzs[wid.x] = red[0]; }
}
`,
};

export const alphaStepKernel: KernelSpec = {
  label: 'train_alpha_step',
  workgroupSize: [64],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    { name: 'alpha', kind: 'rw', type: 'array<f32>' },
    { name: 'am', kind: 'rw', type: 'array<f32>' },
    { name: 'at', kind: 'rw', type: 'array<u32>' },
    { name: 'z', kind: 'read', type: 'array<f32>' },
    { name: 'dzs', kind: 'read', type: 'array<f32>' },
    { name: 'y', kind: 'read', type: 'array<u32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
    { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
  ],
  body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let S = shape.S;
  if (gid.x >= shape.C * S) { return; }
  let c = gid.x / S;
  let i = gid.x % S;
  var grad = 0.0;
  var present = false;
  for (var j = 0u; j < shape.B; j++) {
    if (y[j] != c) { continue; }
    present = true;
    let zi = z[j * S + i];
    for (var s = 0u; s < S; s++) {
      let zs = z[j * S + s];
      grad += dzs[j * S + s] * zs * (select(0.0, 1.0, s == i) - zi);
    }
  }
  if (!present) { return; }
  grad = grad / step.tau;
  let k = gid.x;
  if (step.alphaAdam == 1u) {
    let t = at[k] + 1u;
    at[k] = t;
    let m = step.beta1 * am[2u * k] + (1.0 - step.beta1) * grad;
    let v = step.beta2 * am[2u * k + 1u] + (1.0 - step.beta2) * grad * grad;
    am[2u * k] = m;
    am[2u * k + 1u] = v;
    let bc1 = 1.0 - pow(step.beta1, f32(t));
    let bc2 = 1.0 - pow(step.beta2, f32(t));
    alpha[k] = alpha[k] - step.alphaLr * (m / bc1) / (sqrt(v / bc2) + step.eps);
  } else {
    alpha[k] = alpha[k] - step.alphaLr * grad;
  }
}
`,
};

/** Writes softmax(a_c) for every class into history[epoch] (the convergence plot, paper Fig. 6). */
export const policyHistoryKernel: KernelSpec = {
  label: 'train_policy_history',
  workgroupSize: [64],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    { name: 'alpha', kind: 'read', type: 'array<f32>' },
    { name: 'history', kind: 'rw', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
    { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
  ],
  body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let S = shape.S;
  if (c >= shape.C) { return; }
  var top = -3.4e38;
  for (var s = 0u; s < S; s++) { top = max(top, alpha[c * S + s]); }
  var total = 0.0;
  for (var s = 0u; s < S; s++) { total += exp(alpha[c * S + s] - top); }
  let base = (step.epoch * shape.C + c) * S;
  for (var s = 0u; s < S; s++) { history[base + s] = exp(alpha[c * S + s] - top) / total; }
}
`,
};

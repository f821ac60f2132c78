/**
 * Fused gradient + Adam for one dense layer P = [W | b] (W: R×Cin, b: R): with the batch small,
 * ∂W[r][c] = Σ_j G[j][r]·In[j][c] and ∂b[r] = Σ_j G[j][r] are computed right where they are applied,
 * so no gradient buffer is written or read. Adam as PyTorch (L2 weight decay added to the gradient);
 * moments interleaved (m, v) per parameter. One invocation per parameter; grid folded over x/y.
 */
import type { KernelSpec } from '../kernel.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

export const GRAD_ADAM_WG = 64;

export const gradAdamKernel: KernelSpec = {
  label: 'train_grad_adam',
  workgroupSize: [GRAD_ADAM_WG],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    { name: 'w', kind: 'rw', type: 'array<f32>' },
    { name: 'b', kind: 'rw', type: 'array<f32>' },
    { name: 'mw', kind: 'rw', type: 'array<f32>' },
    { name: 'mb', kind: 'rw', type: 'array<f32>' },
    { name: 'g', kind: 'read', type: 'array<f32>' },
    { name: 'inp', kind: 'read', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
    { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
  ],
  body: /* wgsl */ `
fn adam(p: f32, grad: f32, m: f32, v: f32) -> vec3<f32> {
  let gr = grad + step.weightDecay * p;
  let m2 = step.beta1 * m + (1.0 - step.beta1) * gr;
  let v2 = step.beta2 * v + (1.0 - step.beta2) * gr * gr;
  let p2 = p - step.lr * (m2 / step.bc1) / (sqrt(v2 / step.bc2) + step.eps);
  return vec3<f32>(p2, m2, v2);
}

fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * ${GRAD_ADAM_WG}u;
  let R = shape.R;
  let Cin = shape.Cin;
  // Weights first, the R biases after them: only the last workgroup takes the bias path (no divergence
  // inside the others).
  if (idx < R * Cin) {
    let r = idx / Cin;
    let c = idx % Cin;
    var grad = 0.0;
    for (var j = 0u; j < shape.B; j++) { grad += g[j * R + r] * inp[j * Cin + c]; }
    let o = adam(w[idx], grad, mw[2u * idx], mw[2u * idx + 1u]);
    w[idx] = o.x; mw[2u * idx] = o.y; mw[2u * idx + 1u] = o.z;
  } else if (idx < R * Cin + R) {
    let r = idx - R * Cin;
    var grad = 0.0;
    for (var j = 0u; j < shape.B; j++) { grad += g[j * R + r]; }
    let o = adam(b[r], grad, mb[2u * r], mb[2u * r + 1u]);
    b[r] = o.x; mb[2u * r] = o.y; mb[2u * r + 1u] = o.z;
  }
}
`,
};

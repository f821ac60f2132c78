/** The MLP head's hidden layer: H = relu(H + b) in place, and the backward mask dH ⊙= [H > 0]. */
import type { KernelSpec } from '../kernel.ts';
import { SHAPE_WGSL } from './train-structs.wgsl.ts';

export const RELU_WG = 64;

const header = (label: string, bindings: KernelSpec['bindings'], body: string): KernelSpec => ({
  label,
  workgroupSize: [RELU_WG],
  structs: SHAPE_WGSL,
  bindings,
  body,
});

const index = `let i = gid.x + gid.y * nwg.x * ${RELU_WG}u;
  if (i >= shape.rows * shape.R) { return; }`;

export const biasReluKernel = header(
  'train_bias_relu',
  [
    { name: 'h', kind: 'rw', type: 'array<f32>' },
    { name: 'b', kind: 'read', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
  ],
  `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${index}
  h[i] = max(0.0, h[i] + b[i % shape.R]);
}`,
);

export const reluMaskKernel = header(
  'train_relu_mask',
  [
    { name: 'dh', kind: 'rw', type: 'array<f32>' },
    { name: 'h', kind: 'read', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
  ],
  `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${index}
  dh[i] = select(0.0, dh[i], h[i] > 0.0);
}`,
);

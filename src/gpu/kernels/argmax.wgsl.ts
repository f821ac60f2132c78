/** Row-wise argmax of logits + bias (predictions); ties go to the lower class index. One workgroup per row. */
import type { KernelSpec } from '../kernel.ts';
import { SHAPE_WGSL } from './train-structs.wgsl.ts';

export const argmaxKernel: KernelSpec = {
  label: 'train_argmax',
  workgroupSize: [64],
  structs: SHAPE_WGSL,
  bindings: [
    { name: 'logits', kind: 'read', type: 'array<f32>' },
    { name: 'bias', kind: 'read', type: 'array<f32>' },
    { name: 'pred', kind: 'rw', type: 'array<u32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
  ],
  body: /* wgsl */ `
var<workgroup> bestV: array<f32, 64>;
var<workgroup> bestI: array<u32, 64>;

fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.x + wid.y * nwg.x;
  let live = r < shape.rows;
  let C = shape.C;
  var v = -3.4e38;
  var idx = 0xffffffffu;
  if (live) {
    for (var c = lid.x; c < C; c += 64u) {
      let x = logits[r * C + c] + bias[c];
      if (x > v) { v = x; idx = c; }
    }
  }
  bestV[lid.x] = v;
  bestI[lid.x] = idx;
  workgroupBarrier();
  for (var off = 32u; off > 0u; off >>= 1u) {
    if (lid.x < off) {
      let ov = bestV[lid.x + off];
      let oi = bestI[lid.x + off];
      if (ov > bestV[lid.x] || (ov == bestV[lid.x] && oi < bestI[lid.x])) { bestV[lid.x] = ov; bestI[lid.x] = oi; }
    }
    workgroupBarrier();
  }
  if (live && lid.x == 0u) { pred[r] = bestI[0]; }
}
`,
};

/**
 * Softmax cross-entropy over a batch, in one workgroup (B is small; a fixed reduction order keeps runs
 * bit-identical). For each row: logits + bias, log-sum-exp with the row max subtracted, loss, and
 * dZ = (softmax − onehot(y)) / B. Adds the batch's summed loss to loss[step.lossSlot].
 */
import type { KernelSpec } from '../kernel.ts';
import { SHAPE_WGSL, STEP_WGSL } from './train-structs.wgsl.ts';

export const softmaxCeKernel: KernelSpec = {
  label: 'train_softmax_ce',
  workgroupSize: [256],
  structs: SHAPE_WGSL + STEP_WGSL,
  bindings: [
    { name: 'logits', kind: 'read', type: 'array<f32>' },
    { name: 'bias', kind: 'read', type: 'array<f32>' },
    { name: 'y', kind: 'read', type: 'array<u32>' },
    { name: 'dz', kind: 'rw', type: 'array<f32>' },
    { name: 'loss', kind: 'rw', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
    { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
  ],
  body: /* wgsl */ `
var<workgroup> red: array<f32, 256>;

fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let C = shape.C;
  let invB = 1.0 / f32(shape.B);
  var total = 0.0;
  for (var r = 0u; r < shape.B; r++) {
    var m = -3.4e38;
    for (var c = lid.x; c < C; c += 256u) { m = max(m, logits[r * C + c] + bias[c]); }
    red[lid.x] = m;
    workgroupBarrier();
    for (var off = 128u; off > 0u; off >>= 1u) {
      if (lid.x < off) { red[lid.x] = max(red[lid.x], red[lid.x + off]); }
      workgroupBarrier();
    }
    let mx = red[0];
    workgroupBarrier();
    var s = 0.0;
    for (var c = lid.x; c < C; c += 256u) { s += exp(logits[r * C + c] + bias[c] - mx); }
    red[lid.x] = s;
    workgroupBarrier();
    for (var off = 128u; off > 0u; off >>= 1u) {
      if (lid.x < off) { red[lid.x] = red[lid.x] + red[lid.x + off]; }
      workgroupBarrier();
    }
    let lse = mx + log(red[0]);
    workgroupBarrier();
    let label = y[r];
    for (var c = lid.x; c < C; c += 256u) {
      let p = exp(logits[r * C + c] + bias[c] - lse);
      dz[r * C + c] = (p - select(0.0, 1.0, c == label)) * invB;
    }
    total += lse - (logits[r * C + label] + bias[label]);
  }
  if (lid.x == 0u) { loss[step.lossSlot] = loss[step.lossSlot] + total; }
}
`,
};

/**
 * Softmax cross-entropy over a batch in one workgroup, one invocation per row (the batch is small; a row
 * at a time with tree reductions cost ~20 barriers per row). `adjust` is added to every row's logits: zeros
 * for θ steps, −log(class prior) for a class-balanced exploration loss. Per row: logits + bias, log-sum-exp with the
 * row max subtracted, loss, and dZ = (softmax − onehot(y)) / B. The batch's summed loss is added to
 * loss[step.lossSlot] through a fixed-order tree, so runs stay bit-identical.
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
    { name: 'adjust', kind: 'read', type: 'array<f32>' },
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
  for (var r = lid.x; r < shape.B; r += 256u) {
    var mx = -3.4e38;
    for (var c = 0u; c < C; c++) { mx = max(mx, logits[r * C + c] + bias[c] + adjust[c]); }
    var s = 0.0;
    for (var c = 0u; c < C; c++) { s += exp(logits[r * C + c] + bias[c] + adjust[c] - mx); }
    let lse = mx + log(s);
    let label = y[r];
    for (var c = 0u; c < C; c++) {
      let p = exp(logits[r * C + c] + bias[c] + adjust[c] - lse);
      dz[r * C + c] = (p - select(0.0, 1.0, c == label)) * invB;
    }
    total += lse - (logits[r * C + label] + bias[label] + adjust[label]);
  }
  red[lid.x] = total;
  workgroupBarrier();
  for (var off = 128u; off > 0u; off >>= 1u) {
    if (lid.x < off) { red[lid.x] = red[lid.x] + red[lid.x + off]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { loss[step.lossSlot] = loss[step.lossSlot] + red[0]; }
}
`,
};

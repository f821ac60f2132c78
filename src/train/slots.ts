/** Host packing of the training kernels' uniforms (layouts in src/gpu/kernels/train-structs.wgsl.ts). */
import type { TrainConfig } from './config.ts';
import type { StepPlan } from './schedule.ts';

export const SLOT_BYTES = 256; // minUniformBufferOffsetAlignment on every adapter we target

export interface ShapeFields {
  B: number;
  D: number;
  C: number;
  S: number;
  K: number;
  nPool: number;
  chunkStart: number;
  chunkEnd: number;
  R: number;
  Cin: number;
  rows: number;
  /** Gathers: the first GPU row of the chunk, and the samples in the bank (the table's labels). */
  rowStart: number;
  N: number;
  /** Gathers: elements of the `feats` binding per row (D for f32 rows, ceil(D/2) u32 words for f16). */
  stride: number;
}

export function packShape(f: Partial<ShapeFields>): Uint32Array {
  const u = new Uint32Array(16);
  const order: (keyof ShapeFields)[] = [
    'B',
    'D',
    'C',
    'S',
    'K',
    'nPool',
    'chunkStart',
    'chunkEnd',
    'R',
    'Cin',
    'rows',
    'rowStart',
    'N',
    'stride',
  ];
  order.forEach((k, i) => {
    u[i] = f[k] ?? 0;
  });
  return u;
}

/** Writes one Step slot at byte offset `at` of `slab`. */
export function packStep(
  slab: ArrayBuffer,
  at: number,
  plan: StepPlan,
  cfg: TrainConfig,
  seed: number,
): void {
  const u = new Uint32Array(slab, at, 16);
  const f = new Float32Array(slab, at, 16);
  u[0] = seed >>> 0;
  u[1] = plan.stream;
  u[2] = plan.lossSlot;
  u[3] = plan.t;
  f[4] = cfg.lr;
  f[5] = plan.bc1;
  f[6] = plan.bc2;
  f[7] = cfg.tau;
  f[8] = cfg.beta1;
  f[9] = cfg.beta2;
  f[10] = cfg.eps;
  f[11] = cfg.weightDecay;
  f[12] = cfg.alphaLr;
  u[13] = cfg.alphaOptimizer === 'adam' ? 1 : 0;
  u[14] = plan.epoch;
  u[15] = 0;
}

/**
 * Uniform structs shared by the training kernels (host packing in src/train/slots.ts must match).
 * `Shape` is fixed per bind group; `Step` is one 256-byte slot per training step, bound with a dynamic
 * offset into a slab written once per epoch — so no CPU work and no readback happens between steps.
 */
export const SHAPE_WGSL = /* wgsl */ `
struct Shape {
  B: u32, D: u32, C: u32, S: u32,
  K: u32, nPool: u32, chunkStart: u32, chunkEnd: u32,
  R: u32, Cin: u32, rows: u32, rowStart: u32,
  N: u32, stride: u32, pad1: u32, pad2: u32,
}`;

export const STEP_WGSL = /* wgsl */ `
struct Step {
  seed: u32, stream: u32, lossSlot: u32, t: u32,
  lr: f32, bc1: f32, bc2: f32, tau: f32,
  beta1: f32, beta2: f32, eps: f32, weightDecay: f32,
  alphaLr: f32, alphaAdam: u32, epoch: u32, pad0: u32,
}`;

/** Random streams per step: stream·4 + purpose. */
export const PURPOSE = { sample: 0, source: 1, candidate: 2 } as const;

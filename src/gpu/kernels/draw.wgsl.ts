/**
 * The random draws of a training step, shared by the exploitation and exploration gathers and mirrored
 * by src/train/reference.ts: which pool sample a batch row gets, which candidate of a source it uses.
 */
import type { BindingSpec } from '../kernel.ts';
import { RANDOM_WGSL } from './random.wgsl.ts';

/**
 * How the feature rows are stored (TrainConfig.bankPrecision): f32, or f16 halves packed two per u32
 * (element d of a row in word d >> 1, the low half for an even d), converted on the CPU.
 */
export type FeatPrecision = 'f16' | 'f32';

/**
 * What both gathers read: one chunk of feature rows, the bank's table (labels [N], then the index
 * [N][S][K] → row, so shared rows are stored once), the sample pool and the policy logits a [C][S].
 * Labels and index share one binding to stay within 8 storage buffers per stage.
 */
export function bankInputs(precision: FeatPrecision): readonly BindingSpec[] {
  return [
    { name: 'feats', kind: 'read', type: precision === 'f16' ? 'array<u32>' : 'array<f32>' },
    { name: 'table', kind: 'read', type: 'array<u32>' },
    { name: 'pool', kind: 'read', type: 'array<u32>' },
    { name: 'alpha', kind: 'read', type: 'array<f32>' },
  ];
}

/** Feature d of the row starting at `at` in feats (`at` from feature_at); unpack2x16float is exact. */
const FEAT_WGSL: Record<FeatPrecision, string> = {
  f32: /* wgsl */ `
fn feat(at: u32, d: u32) -> f32 {
  return feats[at + d];
}`,
  f16: /* wgsl */ `
fn feat(at: u32, d: u32) -> f32 {
  return unpack2x16float(feats[at + (d >> 1u)])[d & 1u];
}`,
};

/** The per-bind-group shape and the per-step slot (dynamic offset). */
export const SHAPE_AND_STEP: readonly BindingSpec[] = [
  { name: 'shape', kind: 'uniform', type: 'Shape' },
  { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
];

export const drawWgsl = (precision: FeatPrecision): string => /* wgsl */ `
${RANDOM_WGSL}
fn draw_sample(j: u32) -> u32 {
  let u = uniform_open(step.seed, step.stream * 4u + 0u, j);
  return pool[min(u32(u * f32(shape.nPool)), shape.nPool - 1u)];
}

fn draw_candidate(j: u32, s: u32) -> u32 {
  let u = uniform_open(step.seed, step.stream * 4u + 2u, j * shape.S + s);
  return min(u32(u * f32(shape.K)), shape.K - 1u);
}

fn label_of(n: u32) -> u32 {
  return table[n];
}

/** Where, in this chunk's feats, the row of (sample n, source s, candidate k) starts (read it with feat). */
fn feature_at(n: u32, s: u32, k: u32) -> u32 {
  return (table[shape.N + (n * shape.S + s) * shape.K + k] - shape.rowStart) * shape.stride;
}
${FEAT_WGSL[precision]}

fn source_noise(j: u32, s: u32) -> f32 {
  return gumbel(uniform_open(step.seed, step.stream * 4u + 1u, j * shape.S + s));
}
`;

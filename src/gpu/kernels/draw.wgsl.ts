/**
 * The random draws of a training step, shared by the exploitation and exploration gathers and mirrored
 * by src/train/reference.ts: which pool sample a batch row gets, which candidate of a source it uses.
 */
import type { BindingSpec } from '../kernel.ts';
import { RANDOM_WGSL } from './random.wgsl.ts';

/** What both gathers read: one bank chunk, all labels, the sample pool and the policy logits a [C][S]. */
export const BANK_INPUTS: readonly BindingSpec[] = [
  { name: 'feats', kind: 'read', type: 'array<f32>' },
  { name: 'labels', kind: 'read', type: 'array<u32>' },
  { name: 'pool', kind: 'read', type: 'array<u32>' },
  { name: 'alpha', kind: 'read', type: 'array<f32>' },
];

/** The per-bind-group shape and the per-step slot (dynamic offset). */
export const SHAPE_AND_STEP: readonly BindingSpec[] = [
  { name: 'shape', kind: 'uniform', type: 'Shape' },
  { name: 'step', kind: 'uniform', type: 'Step', dynamic: true },
];

export const DRAW_WGSL = /* wgsl */ `
${RANDOM_WGSL}
fn draw_sample(j: u32) -> u32 {
  let u = uniform_open(step.seed, step.stream * 4u + 0u, j);
  return pool[min(u32(u * f32(shape.nPool)), shape.nPool - 1u)];
}

fn draw_candidate(j: u32, s: u32) -> u32 {
  let u = uniform_open(step.seed, step.stream * 4u + 2u, j * shape.S + s);
  return min(u32(u * f32(shape.K)), shape.K - 1u);
}

fn source_noise(j: u32, s: u32) -> f32 {
  return gumbel(uniform_open(step.seed, step.stream * 4u + 1u, j * shape.S + s));
}
`;

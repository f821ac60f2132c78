/**
 * The generation settings a candidate is really made with: what the user set, else the model's own
 * defaults (its manifest), then two corrections that keep a model from being misused silently:
 * - guidance on a model trained without classifier-free guidance (SD-Turbo) is switched off, since it
 *   would double every UNet call and over-saturate the image;
 * - fewer than one UNet step (diffusers' img2img runs floor(steps·strength) of them) raises `steps` to the
 *   fewest that run one, as diffusers' turbo img2img docs ask (steps·strength ≥ 1).
 * Each correction comes back as a note for the user.
 */
import { ConfigError } from '../../core/errors.ts';

export interface GenerationRequest {
  steps?: number;
  guidance?: number;
  strength?: number;
}

/** A model's defaults (img2img manifest settings); cfg false = trained without guidance. */
export interface GenerationDefaults {
  steps?: number;
  guidance?: number;
  strength?: number;
  cfg?: boolean;
}

export interface Generation {
  steps: number;
  /** ≤ 1 means no classifier-free guidance (one UNet row per image). */
  guidance: number;
  strength: number;
  notes: string[];
}

/** Fallbacks for a manifest that names none: the paper's (ALGORITHM.md §5) strength and guidance, diffusers' 50 steps. */
export const FALLBACK_DEFAULTS = { steps: 50, guidance: 7.5, strength: 0.5 } as const;

/** UNet steps diffusers' img2img runs: int(steps·strength), at most steps (get_timesteps; no epsilon). */
export const unetSteps = (steps: number, strength: number): number =>
  Math.min(Math.trunc(steps * strength), steps);

export function resolveGeneration(
  req: GenerationRequest,
  model: GenerationDefaults,
  id = 'img2img',
): Generation {
  const notes: string[] = [];
  const strength = req.strength ?? model.strength ?? FALLBACK_DEFAULTS.strength;
  let steps = req.steps ?? model.steps ?? FALLBACK_DEFAULTS.steps;
  let guidance = req.guidance ?? model.guidance ?? FALLBACK_DEFAULTS.guidance;
  if (!(strength >= 0 && strength <= 1)) throw new ConfigError(`strength must be in [0, 1], got ${strength}`);
  if (!Number.isInteger(steps) || steps < 1)
    throw new ConfigError(`steps must be an integer >= 1, got ${steps}`);
  if (!(guidance >= 0)) throw new ConfigError(`guidance must be >= 0, got ${guidance}`);
  if (model.cfg === false && guidance > 1) {
    if (req.guidance !== undefined) {
      notes.push(
        `guidance ${guidance} ignored: ${id} was trained without classifier-free guidance (it would double every UNet call)`,
      );
    }
    guidance = 0;
  }
  if (strength > 0 && unetSteps(steps, strength) < 1) {
    const from = steps;
    steps = Math.max(from + 1, Math.floor(1 / strength));
    while (unetSteps(steps, strength) < 1) steps++;
    notes.push(
      `steps raised from ${from} to ${steps}: with strength ${strength}, ${from} step(s) would run no UNet step (floor(steps·strength) must be ≥ 1)`,
    );
  }
  return { steps, guidance, strength, notes };
}

/**
 * Schedulers against golden numbers from test/golden/schedulers/make_golden.py (a numpy float64
 * transcription of diffusers' formulas; see the README beside it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  alphasCumprod,
  DdimScheduler,
  EulerAncestralScheduler,
  EulerScheduler,
  img2imgSkip,
  makeScheduler,
  PndmScheduler,
  type SchedulerConfig,
} from '../../src/stages/img2img/schedulers/index.ts';

const G = JSON.parse(readFileSync(new URL('../golden/schedulers/golden.json', import.meta.url), 'utf8'));
const SD: SchedulerConfig = {
  _class_name: 'PNDMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  clip_sample: false,
};
const f32 = (a: number[]) => Float32Array.from(a);
const x = f32(G.inputs.sample);
const eps = f32(G.inputs.eps);
const noise = f32(G.inputs.noise);
const near = (got: ArrayLike<number>, want: number[], tol = 2e-6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol);
};

describe('alphas_cumprod', () => {
  it('matches the scaled_linear golden values (and ᾱ0 = 1 − 0.00085 by hand)', () => {
    const ac = alphasCumprod(SD);
    near(
      G.alphas_cumprod.idx.map((i: number) => ac[i]),
      G.alphas_cumprod.values,
      1e-12,
    );
    expect(ac[0]).toBeCloseTo(0.99915, 12);
    // σ_max of SD: √((1−ᾱ999)/ᾱ999) = 14.6146 (MODELS-RESEARCH §4a)
    expect(Math.sqrt((1 - ac[999]) / ac[999])).toBeCloseTo(14.6146, 4);
  });
});

describe('DDIM', () => {
  it('timesteps: leading spacing, offset 1', () => {
    expect(new DdimScheduler(SD, 50).timesteps).toEqual(G.ddim.timesteps);
  });
  it('one step at t=981, at t=1 (ᾱprev = ᾱ0) and with η=1', () => {
    near(
      new DdimScheduler(SD, 50).step(eps, 0, x, () => noise),
      G.ddim.step_t981,
    );
    near(
      new DdimScheduler(SD, 50).step(eps, 49, x, () => noise),
      G.ddim.step_t1,
    );
    // hand check of element 0 at t=1: 0.99958·0.83103 + 0.029155·0.27015 ≈ 0.83855
    expect(new DdimScheduler(SD, 50).step(eps, 49, x, () => noise)[0]).toBeCloseTo(0.83855, 5);
    const s = new DdimScheduler(SD, 50, 1);
    near(
      s.step(eps, s.timesteps.indexOf(501), x, () => noise),
      G.ddim.step_eta1_t501,
    );
  });
});

describe('PNDM (skip_prk_steps)', () => {
  it('timesteps: 51 entries with 961 repeated', () => {
    const s = new PndmScheduler(SD, 50);
    expect(s.timesteps).toEqual(G.pndm.timesteps);
    expect(s.timesteps.slice(0, 4)).toEqual([981, 961, 961, 941]);
  });
  it('five consecutive steps exercise every multistep branch', () => {
    const s = new PndmScheduler(SD, 50);
    let cur: Float32Array = x;
    for (let k = 0; k < 5; k++) {
      cur = s.step(
        eps.map((v) => v * (1 + 0.1 * k)),
        k,
        cur,
      );
      near(cur, G.pndm.five_steps[k], 1e-5);
    }
  });
});

describe('Euler ancestral', () => {
  for (const key of ['trailing_1', 'trailing_4', 'leading_50', 'linspace_10']) {
    it(`timesteps, sigmas, init_noise_sigma (${key})`, () => {
      const [spacing, n] = key.split('_');
      const s = new EulerAncestralScheduler({ ...SD, timestep_spacing: spacing as 'leading' }, Number(n));
      const g = G.euler_ancestral[key];
      near(s.timesteps, g.timesteps, 1e-9);
      near(s.sigmas, g.sigmas, 1e-9);
      expect(s.initNoiseSigma).toBeCloseTo(g.init_noise_sigma, 9);
    });
  }
  it('scale_model_input and one step with noise (first and last step)', () => {
    const s = new EulerAncestralScheduler({ ...SD, timestep_spacing: 'trailing' }, 4);
    near(s.scaleModelInput(x, 0), G.euler_ancestral.trailing_4_scale0);
    near(
      s.step(eps, 0, x, () => noise),
      G.euler_ancestral.trailing_4_step0,
      1e-5,
    );
    near(
      s.step(eps, 3, x, () => noise),
      G.euler_ancestral.trailing_4_step3,
      1e-5,
    );
  });
});

describe('Euler (EulerDiscreteScheduler, SD-Turbo)', () => {
  it('is picked for SD-Turbo configs and steps deterministically (no noise drawn)', () => {
    const turbo = { ...SD, _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'trailing' as const };
    const s = makeScheduler(turbo, 4);
    expect(s).toBeInstanceOf(EulerScheduler);
    const never = () => {
      throw new Error('Euler must not draw noise');
    };
    near(s.step(eps, 0, x, never), G.euler.trailing_4_step0, 1e-5);
    near(s.step(eps, 3, x, never), G.euler.trailing_4_step3, 1e-5);
    expect(s.initNoiseSigma).toBeCloseTo(G.euler_ancestral.trailing_4.init_noise_sigma, 9);
  });
});

describe('img2img start step from strength', () => {
  const cases: [string, string, number, number][] = [
    ['pndm_50_0.5', 'pndm', 50, 0.5],
    ['ddim_50_0.5', 'ddim', 50, 0.5],
    ['ddim_50_0.75', 'ddim', 50, 0.75],
    ['ddim_50_0.0', 'ddim', 50, 0],
    ['ddim_50_1.0', 'ddim', 50, 1],
    ['euler_trailing_4_0.5', 'euler-ancestral', 4, 0.5],
  ];
  for (const [key, kind, n, strength] of cases) {
    it(key, () => {
      const g = G.img2img[key];
      const cfg = kind === 'euler-ancestral' ? { ...SD, timestep_spacing: 'trailing' as const } : SD;
      const s = makeScheduler(cfg, n, kind as 'ddim');
      const skip = img2imgSkip(n, strength);
      expect(skip).toBe(g.t_start);
      s.startAt(skip);
      expect(s.timesteps.length).toBe(g.count);
      expect(s.timesteps[0] ?? null).toBe(g.first);
    });
  }
  it('rejects a strength outside [0, 1]', () => {
    expect(() => img2imgSkip(10, 1.5)).toThrow(/strength/);
  });
  it('rejects unsupported configs with a message', () => {
    expect(() => makeScheduler({ _class_name: 'LMSDiscreteScheduler' }, 10)).toThrow(/not supported/);
    expect(() => new DdimScheduler({ ...SD, prediction_type: 'v_prediction' }, 10)).toThrow(/epsilon/);
  });
});

/**
 * The img2img pipeline on tiny fixture graphs (ORT wasm in Node): exporter variants, determinism
 * per seed, strength 0 / 1, the noised start latent, classifier-free guidance. Random-weight graphs:
 * this proves plumbing, never image quality.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clipTokenizer,
  type TimestepVariant,
  textEncoderGraph,
  unetGraph,
  type VaeEncoderVariant,
  vaeDecoderGraph,
  vaeEncoderGraph,
} from '../../models/fixtures/diffusion.ts';
import { vocabSize } from '../../models/fixtures/tokenizers.ts';
import { Rng } from '../../src/core/rng.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';
import { type Feed, OrtSession, type RunOptions, type SessionLike } from '../../src/ort/session.ts';
import type { TensorData } from '../../src/ort/types.ts';
import type { RgbImage } from '../../src/stages/image/resample.ts';
import { gaussian, guide } from '../../src/stages/img2img/latents.ts';
import { Img2Img } from '../../src/stages/img2img/pipeline.ts';
import { DdimScheduler, type SchedulerConfig } from '../../src/stages/img2img/schedulers/index.ts';

const SD: SchedulerConfig = {
  _class_name: 'PNDMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
};
const RES = 64;
/** ᾱ_t of SD's scaled_linear schedule, recomputed in float64 here (independent of the scheduler code). */
function alphaBar(t: number): number {
  let a = 1;
  for (let i = 0; i <= t; i++)
    a *= 1 - (Math.sqrt(0.00085) + (i / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085))) ** 2;
  return a;
}

/** Counts runs and keeps every feed (tests read what the pipeline sent). */
class Spy implements SessionLike {
  feeds: Record<string, Feed>[] = [];
  constructor(readonly inner: SessionLike) {}
  get inputs() {
    return this.inner.inputs;
  }
  get outputs() {
    return this.inner.outputs;
  }
  run(f: Record<string, Feed>, o?: RunOptions) {
    this.feeds.push(f);
    return this.inner.run(f, o);
  }
  dispose() {
    return this.inner.dispose();
  }
}

type Variant = { ids: 'int32' | 'int64'; t: TimestepVariant; vae: VaeEncoderVariant };
const VARIANTS: Variant[] = [
  { ids: 'int32', t: 'int64-steps', vae: 'latent_sample' }, // optimum ≤ 2024-10, SD-Turbo web
  { ids: 'int32', t: 'float32-batch', vae: 'latent_parameters' }, // diffusers script / optimum 2024-10
  { ids: 'int64', t: 'float32-scalar', vae: 'latent_parameters' }, // optimum ≥ 2024-11
];

const tok = clipTokenizer();
const tokenizer = new TextTokenizer(tok.json, tok.config);
const open = (bytes: Uint8Array, name: string) => OrtSession.create(bytes, { name, ep: 'wasm' });

async function build(v: Variant) {
  const models = {
    textEncoder: new Spy(await open(textEncoderGraph(vocabSize(tok), v.ids), 'text encoder')),
    unet: new Spy(await open(unetGraph(v.t), 'unet')),
    vaeEncoder: new Spy(await open(vaeEncoderGraph(v.vae), 'vae encoder')),
    vaeDecoder: new Spy(await open(vaeDecoderGraph(), 'vae decoder')),
    tokenizer,
  };
  return { models, pipe: new Img2Img(models, { scheduler: SD, width: RES, height: RES }) };
}

/** 40×48 test card: smooth gradients, not a multiple of 8 (exercises resizing both ways). */
function card(): RgbImage {
  const width = 40;
  const height = 48;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x * 6, y * 5, (x * y) % 256], (y * width + x) * 3);
  return { width, height, channels: 3, data };
}

describe.each(VARIANTS)('img2img on fixture graphs: ids $ids, timestep $t, $vae', (v) => {
  let m: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    m = await build(v);
  });
  const base = {
    prompt: 'a photo of a cat',
    negativePrompt: 'dog',
    steps: 10,
    schedulerKind: 'ddim' as const,
  };

  it('is deterministic per seed and differs between seeds; the image keeps its size', async () => {
    const a = await m.pipe.generate(card(), { ...base, seed: 7 });
    const b = await m.pipe.generate(card(), { ...base, seed: 7 });
    const c = await m.pipe.generate(card(), { ...base, seed: 8 });
    expect(a.image.width).toBe(40);
    expect(a.image.height).toBe(48);
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
    expect(a.unetSteps).toBe(5);
    expect(a.timesteps).toEqual([401, 301, 201, 101, 1]);
  });

  it("feeds the UNet's timestep in the graph's dtype and shape", async () => {
    m.models.unet.feeds = [];
    await m.pipe.generate(card(), { ...base, seed: 1 });
    const t = m.models.unet.feeds[0].timestep as TensorData;
    if (v.t === 'int64-steps') expect([t.type, t.dims, t.data[0]]).toEqual(['int64', [2], 401n]);
    if (v.t === 'float32-batch') expect([t.type, t.dims, t.data[1]]).toEqual(['float32', [2], 401]);
    if (v.t === 'float32-scalar') expect([t.type, t.dims, t.data[0]]).toEqual(['float32', [], 401]);
    const ids = m.models.textEncoder.feeds.at(-1)!.input_ids as TensorData;
    expect([ids.type, ids.dims]).toEqual([v.ids, [2, 77]]);
  });

  it('strength 0 runs no UNet step (and no text encoder)', async () => {
    m.models.unet.feeds = [];
    m.models.textEncoder.feeds = [];
    const r = await m.pipe.generate(card(), { ...base, seed: 3, strength: 0 });
    expect(r.unetSteps).toBe(0);
    expect(m.models.unet.feeds.length).toBe(0);
    expect(m.models.textEncoder.feeds.length).toBe(0);
  });

  it('strength 1 starts from pure seeded noise at the first timestep, without the VAE encoder', async () => {
    m.models.vaeEncoder.feeds = [];
    m.models.unet.feeds = [];
    let start: Float32Array | undefined;
    let t0: number | undefined;
    const r = await m.pipe.generate(card(), {
      ...base,
      seed: 5,
      strength: 1,
      onLatent: (i, t, l) => {
        if (i === -1) [start, t0] = [l.slice(), t];
      },
    });
    expect(m.models.vaeEncoder.feeds.length).toBe(0);
    expect(r.unetSteps).toBe(10);
    expect(m.models.unet.feeds.length).toBe(10);
    expect(t0).toBe(901);
    const noise = gaussian(new Rng(5).fork('noise'), 4 * 8 * 8);
    expect(Array.from(start!)).toEqual(Array.from(noise)); // DDIM's init sigma is 1
  });
});

describe('img2img numerics (int64 timestep, latent_sample)', () => {
  let m: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    m = await build(VARIANTS[0]);
  });

  it('noises the VAE latent × 0.18215 to ᾱ of the first timestep', async () => {
    m.models.vaeEncoder.feeds = [];
    let start: Float32Array | undefined;
    await m.pipe.generate(card(), {
      prompt: 'cat',
      steps: 10,
      strength: 0.5,
      seed: 9,
      schedulerKind: 'ddim',
      onLatent: (i, _t, l) => {
        if (i === -1) start = l.slice();
      },
    });
    const enc = await m.models.vaeEncoder.inner.run(m.models.vaeEncoder.feeds[0]);
    const x0 = (enc.latent_sample as TensorData).data as Float32Array;
    const noise = gaussian(new Rng(9).fork('noise'), x0.length);
    const a = alphaBar(401);
    for (let k = 0; k < x0.length; k++) {
      expect(start![k]).toBeCloseTo(Math.sqrt(a) * 0.18215 * x0[k] + Math.sqrt(1 - a) * noise[k], 5);
    }
  });

  it('latent_parameters: mean ‖ logvar, sampled with the vae fork of the seed, or the mean', async () => {
    const p = await build(VARIANTS[2]);
    const a = alphaBar(401);
    for (const mode of ['sample', 'mean'] as const) {
      p.models.vaeEncoder.feeds = [];
      let start: Float32Array | undefined;
      await p.pipe.generate(card(), {
        prompt: 'cat',
        steps: 10,
        seed: 4,
        schedulerKind: 'ddim',
        vaeMode: mode,
        onLatent: (i, _t, l) => {
          if (i === -1) start = l.slice();
        },
      });
      const enc = await p.models.vaeEncoder.inner.run(p.models.vaeEncoder.feeds[0]);
      const par = enc.latent_parameters as TensorData;
      expect(par.dims).toEqual([1, 8, 8, 8]);
      const P = (par.data as Float32Array).slice();
      const n = 4 * 64;
      const z = gaussian(new Rng(4).fork('vae'), n);
      const noise = gaussian(new Rng(4).fork('noise'), n);
      for (let k = 0; k < n; k++) {
        const x0 = mode === 'mean' ? P[k] : P[k] + Math.exp(0.5 * P[n + k]) * z[k];
        expect(start![k]).toBeCloseTo(Math.sqrt(a) * 0.18215 * x0 + Math.sqrt(1 - a) * noise[k], 5);
      }
    }
  });

  it('classifier-free guidance: batch [negative, prompt], ε = ε_u + g(ε_c − ε_u)', async () => {
    m.models.unet.feeds = [];
    let first: Float32Array | undefined;
    let start: Float32Array | undefined;
    const g = 7.5;
    await m.pipe.generate(card(), {
      prompt: 'a photo of a cat',
      negativePrompt: 'dog',
      guidance: g,
      steps: 10,
      strength: 0.5,
      seed: 2,
      schedulerKind: 'ddim',
      onLatent: (i, _t, l) => {
        if (i === -1) start = l.slice();
        if (i === 0) first = l.slice();
      },
    });
    // Independent: run the UNet once per prompt (batch 1) ourselves, guide by hand, one DDIM step.
    const hid = (p: string) =>
      m.models.textEncoder.inner.run({
        input_ids: (() => {
          const e = tokenizer.encodeBatch([p], { maxLength: 77, padding: 'max_length' }).inputIds;
          return { type: 'int32', data: Int32Array.from(e.data, Number), dims: e.dims } as TensorData;
        })(),
      });
    const one = async (p: string) => {
      const h = (await hid(p)).last_hidden_state as TensorData;
      const r = await m.models.unet.inner.run({
        sample: { type: 'float32', data: start!, dims: [1, 4, 8, 8] },
        timestep: { type: 'int64', data: BigInt64Array.of(401n), dims: [1] },
        encoder_hidden_states: h,
      });
      return (r.out_sample as TensorData).data as Float32Array;
    };
    const u = await one('dog');
    const c = await one('a photo of a cat');
    const both = new Float32Array(2 * u.length);
    both.set(u);
    both.set(c, u.length);
    const eps = guide(both, g);
    expect(eps[0]).toBeCloseTo(u[0] + g * (c[0] - u[0]), 5);
    expect(c[0]).not.toBeCloseTo(u[0], 3); // the prompts do reach the UNet
    const s = new DdimScheduler(SD, 10);
    s.startAt(5);
    const want = s.step(eps, 0, start!, () => new Float32Array(0));
    for (let k = 0; k < want.length; k++) expect(first![k]).toBeCloseTo(want[k], 4);
    const sample = m.models.unet.feeds[0].sample as TensorData;
    expect(sample.dims).toEqual([2, 4, 8, 8]);
  });

  it('guidance ≤ 1 runs the UNet at batch 1 on the prompt alone', async () => {
    m.models.unet.feeds = [];
    await m.pipe.generate(card(), { prompt: 'cat', guidance: 1, steps: 4, strength: 0.5, seed: 1 });
    expect((m.models.unet.feeds[0].sample as TensorData).dims).toEqual([1, 4, 8, 8]);
    expect((m.models.unet.feeds[0].encoder_hidden_states as TensorData).dims).toEqual([1, 77, 8]);
  });

  it('PNDM (the model default) runs N+1 entries at strength 1, Euler ancestral is seeded too', async () => {
    const p = await m.pipe.generate(card(), { prompt: 'cat', steps: 4, strength: 1, seed: 1 });
    expect(p.timesteps).toEqual([751, 501, 501, 251, 1]);
    const p0 = await m.pipe.generate(card(), { prompt: 'cat', steps: 4, strength: 0, seed: 1 });
    expect(p0.unetSteps).toBe(0);
    const e1 = await m.pipe.generate(card(), {
      prompt: 'cat',
      steps: 4,
      seed: 4,
      schedulerKind: 'euler-ancestral',
    });
    const e2 = await m.pipe.generate(card(), {
      prompt: 'cat',
      steps: 4,
      seed: 4,
      schedulerKind: 'euler-ancestral',
    });
    expect(Buffer.from(e1.image.data).equals(Buffer.from(e2.image.data))).toBe(true);
  });

  it('a batch gives each job the image it gets alone (own prompt, own seed), in one UNet run per step', async () => {
    const p = await build(VARIANTS[2]); // latent_parameters: the VAE's posterior noise is per job too
    const other = card();
    other.data.reverse();
    const jobs = [
      { image: card(), prompt: 'a photo of a cat', negativePrompt: 'dog', seed: 1 },
      { image: other, prompt: 'a red car', seed: 2 },
      { image: card(), prompt: 'an owl in grass', negativePrompt: 'sea', seed: 3 },
    ];
    for (const schedulerKind of ['pndm', 'euler-ancestral'] as const) {
      p.models.unet.feeds = [];
      const shared = { steps: 6, schedulerKind };
      const batch = await p.pipe.generateBatch(jobs, shared);
      expect((p.models.unet.feeds[0].sample as TensorData).dims).toEqual([6, 4, 8, 8]);
      expect(p.models.unet.feeds.length).toBe(batch.unetSteps);
      for (const [j, job] of jobs.entries()) {
        const alone = await p.pipe.generate(job.image, { ...job, ...shared });
        const worst = Math.max(
          ...Array.from(alone.image.data, (v, k) => Math.abs(v - batch.images[j].data[k])),
        );
        expect(worst, `${schedulerKind} job ${j}`).toBeLessThanOrEqual(1);
      }
      expect(Array.from(batch.images[0].data)).not.toEqual(Array.from(batch.images[2].data));
    }
  });

  it('rejects a resolution that is not a multiple of 8', () => {
    expect(() => new Img2Img(m.models, { scheduler: SD, width: 60, height: 64 })).toThrow(/multiple of 8/);
  });
});

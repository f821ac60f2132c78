/**
 * The VAE encoder's in-graph sampling made reproducible (src/stages/img2img/vae-noise.ts), on fixture
 * graphs with the real exports' RandomNormalLike / RandomNormal nodes, run by ORT wasm in Node: the
 * unedited graph draws new noise every run; the edited one has a `vae_noise` input and no random
 * node (checked with onnx-proto, an independent parser), computes mean + std·noise exactly, and
 * Img2Img feeds it per job from the seed.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  clipTokenizer,
  textEncoderGraph,
  unetGraph,
  vaeDecoderGraph,
  vaeEncoderGraph,
} from '../../models/fixtures/diffusion.ts';
import { elemType, GraphBuilder } from '../../models/fixtures/graph.ts';
import { vocabSize } from '../../models/fixtures/tokenizers.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';
import { OrtSession } from '../../src/ort/session.ts';
import type { TensorData } from '../../src/ort/types.ts';
import { Img2Img } from '../../src/stages/img2img/pipeline.ts';
import { seedVaeNoise, VAE_NOISE } from '../../src/stages/img2img/vae-noise.ts';

const { onnx } = onnxProto;
const open = (bytes: Uint8Array, name = 'vae encoder') => OrtSession.create(bytes, { name, ep: 'wasm' });
const image = (b = 1): TensorData => ({
  type: 'float32',
  data: new Float32Array(b * 3 * 64 * 64).map((_, i) => Math.sin(i / 7)),
  dims: [b, 3, 64, 64],
});
const ops = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType);
const data = (t: unknown) => (t as TensorData).data as Float32Array;

describe('the unedited sampled VAE encoders', () => {
  it.each([
    ['RandomNormalLike', 'RandomNormalLike'],
    ['RandomNormal', { RandomNormal: [1, 4, 8, 8] }],
  ] as const)('%s: ORT draws new noise on every run (our seed has no say)', async (op, sampler) => {
    const bytes = vaeEncoderGraph('latent_sample', 'float32', sampler);
    expect(ops(bytes)).toContain(op);
    const s = await open(bytes);
    const a = data((await s.run({ sample: image() })).latent_sample);
    const b = data((await s.run({ sample: image() })).latent_sample);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    await s.dispose();
  });
});

describe('seedVaeNoise', () => {
  /** mean ‖ logvar from the same weights (the latent_parameters graph of the same builder seed). */
  async function parameters(b: number) {
    const s = await open(vaeEncoderGraph('latent_parameters'));
    const p = data((await s.run({ sample: image(b) })).latent_parameters);
    await s.dispose();
    return p;
  }
  /** mean + exp(½·clip(logvar, −30, 20))·z, computed here in float64. */
  function expected(p: Float32Array, z: Float32Array, b: number) {
    const plane = 4 * 8 * 8;
    return Array.from({ length: b * plane }, (_, k) => {
      const [j, i] = [Math.floor(k / plane), k % plane];
      const logvar = Math.min(20, Math.max(-30, p[j * 2 * plane + plane + i]));
      return p[j * 2 * plane + i] + Math.exp(0.5 * logvar) * z[k];
    });
  }

  it.each([
    ['RandomNormalLike', 'RandomNormalLike', 2],
    ['RandomNormal (static shape)', { RandomNormal: [1, 4, 8, 8] }, 1],
  ] as const)('%s: a vae_noise input, no random node, output = mean + std·noise', async (_, sampler, b) => {
    const edit = seedVaeNoise(vaeEncoderGraph('latent_sample', 'float32', sampler), 'vae_encoder/model.onnx');
    const g = onnx.ModelProto.decode(edit.model).graph!;
    expect(g.node!.map((n) => n.opType).filter((o) => o!.startsWith('Random'))).toEqual([]);
    expect(g.node!.find((n) => n.input!.includes(VAE_NOISE))?.opType).toBe('Identity');
    expect(g.input!.map((i) => i.name)).toEqual(['sample', VAE_NOISE]);
    expect(edit.replaced).toBe(typeof sampler === 'string' ? sampler : 'RandomNormal');

    const s = await open(edit.model);
    const noise = s.inputs.find((i) => i.name === VAE_NOISE)!;
    expect(noise.dtype).toBe('float32');
    expect(noise.shape).toEqual(typeof sampler === 'string' ? edit.input!.shape : [1, 4, 8, 8]);
    const z = Float32Array.from({ length: b * 256 }, (_, i) => Math.cos(i * 1.7) * 2);
    const feed = { sample: image(b), [VAE_NOISE]: { type: 'float32' as const, data: z, dims: [b, 4, 8, 8] } };
    const out = data((await s.run(feed)).latent_sample);
    const again = data((await s.run(feed)).latent_sample);
    expect(Array.from(again)).toEqual(Array.from(out));
    const want = expected(await parameters(b), z, b);
    expect(Math.max(...want.map((w, i) => Math.abs(w - out[i])))).toBeLessThan(1e-5);
    expect(Math.max(...z.map((v) => Math.abs(v)))).toBeGreaterThan(1); // the noise really mattered
    await s.dispose();
  });

  it('float16 exports: the fp32 sampler between Casts, or a float16 RandomNormalLike (torch --fp16)', async () => {
    const casts = seedVaeNoise(vaeEncoderGraph('latent_sample', 'float16', 'RandomNormalLike'), 'f16.onnx');
    expect(casts.input?.dtype).toBe('float32');
    // torch.randn(dtype=float16) exports dtype=FLOAT16; ORT's CPU kernel has no float16 normal draw
    const g = new GraphBuilder('half');
    const x = g.input('sample', 'float16', ['b', 4, 8, 8]);
    const z = g.op('RandomNormalLike', [x], { dtype: elemType('float16') });
    g.output('latent_sample', 'float16', ['b', 4, 8, 8], g.op('Add', [x, z]));
    const edit = seedVaeNoise(g.encode(), 'half.onnx');
    expect(edit.input?.dtype).toBe('float16');
    const s = await open(edit.model);
    const ones = { type: 'float32' as const, data: new Float32Array(256).fill(1), dims: [1, 4, 8, 8] };
    const half = { type: 'float32' as const, data: new Float32Array(256).fill(0.5), dims: [1, 4, 8, 8] };
    const out = data((await s.run({ sample: ones, [VAE_NOISE]: half })).latent_sample);
    expect(Array.from(out)).toEqual(new Array(256).fill(1.5));
    await s.dispose();
  });

  it('reads a RandomNormalLike without dtype from its ConstantOfShape input (float32 by default)', () => {
    const g = new GraphBuilder('untyped');
    const x = g.input('sample', 'float32', ['b', 4, 8, 8]);
    const z = g.op('RandomNormalLike', [g.op('ConstantOfShape', [g.op('Shape', [x])])]);
    g.output('latent_sample', 'float32', ['b', 4, 8, 8], g.op('Add', [x, z]));
    expect(seedVaeNoise(g.encode(), 'untyped.onnx').input?.dtype).toBe('float32');
  });

  it('leaves graphs without in-graph sampling, and edited ones, byte for byte as they were', () => {
    for (const bytes of [vaeEncoderGraph('latent_parameters'), vaeEncoderGraph('latent_sample')]) {
      const edit = seedVaeNoise(bytes, 'x.onnx');
      expect(edit.model).toBe(bytes);
      expect(edit.input).toBeUndefined();
    }
    const once = seedVaeNoise(
      vaeEncoderGraph('latent_sample', 'float32', 'RandomNormalLike'),
      'x.onnx',
    ).model;
    expect(seedVaeNoise(once, 'x.onnx').model).toBe(once);
  });

  it('refuses, naming the file, noise it cannot take over', () => {
    const graph = (build: (g: GraphBuilder, x: string) => string) => {
      const g = new GraphBuilder('bad');
      const x = g.input('sample', 'float32', ['b', 4, 8, 8]);
      g.output('latent_sample', 'float32', ['b', 4, 8, 8], build(g, x));
      return g.encode();
    };
    const cases: [Uint8Array, RegExp][] = [
      [graph((g, x) => g.op('Add', [x, g.op('RandomUniformLike', [x])])), /RandomUniformLike/],
      [
        graph((g, x) => g.op('Add', [g.op('RandomNormalLike', [x]), g.op('RandomNormalLike', [x])])),
        /2 random nodes/,
      ],
      [
        graph((g, x) => g.op('Add', [x, g.op('RandomNormalLike', [x], { mean: { float: 1 } })])),
        /N\(1, 1²\)/,
      ],
      [graph((g, x) => g.op('Add', [x, g.op('RandomNormal', [], { shape: [256] })])), /shape \[256\]/],
      [
        graph((g, x) => g.op('Add', [x, g.op('RandomNormalLike', [x], { dtype: elemType('int32') })])),
        /type 6/,
      ],
    ];
    for (const [bytes, why] of cases) {
      expect(() => seedVaeNoise(bytes, 'my-sd/vae_encoder/model.onnx')).toThrow(ConfigError);
      expect(() => seedVaeNoise(bytes, 'my-sd/vae_encoder/model.onnx')).toThrow(
        new RegExp(`my-sd/vae_encoder/model\\.onnx: cannot make .*${why.source}`),
      );
    }
  });
});

describe('Img2Img on the edited encoder', () => {
  const tok = clipTokenizer();
  const scheduler = {
    _class_name: 'DDIMScheduler',
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: 'scaled_linear' as const,
    num_train_timesteps: 1000,
    set_alpha_to_one: false,
    steps_offset: 1,
  };
  const card = (k: number) => ({
    width: 64,
    height: 64,
    channels: 3 as const,
    data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * (k + 3)) % 251),
  });

  it('feeds each job its own seeded noise: same seed, same image, alone or batched; mean mode = zero noise', async () => {
    const enc = await open(
      seedVaeNoise(vaeEncoderGraph('latent_sample', 'float32', 'RandomNormalLike'), 'v').model,
    );
    const seen: TensorData[] = [];
    const run = enc.run.bind(enc);
    enc.run = (f, o) => {
      seen.push(f[VAE_NOISE] as TensorData);
      return run(f, o);
    };
    const pipe = new Img2Img(
      {
        textEncoder: await open(textEncoderGraph(vocabSize(tok)), 'text'),
        unet: await open(unetGraph('int64-steps'), 'unet'),
        vaeEncoder: enc,
        vaeDecoder: await open(vaeDecoderGraph(), 'dec'),
        tokenizer: new TextTokenizer(tok.json, tok.config),
      },
      { scheduler, width: 64, height: 64 },
    );
    const o = { steps: 4, strength: 0.5, guidance: 1, schedulerKind: 'ddim' as const };
    const a = await pipe.generateBatch(
      [
        { image: card(1), prompt: 'a cat', seed: 11 },
        { image: card(2), prompt: 'a dog', seed: 12 },
      ],
      o,
    );
    const alone = await pipe.generate(card(2), { ...o, prompt: 'a dog', seed: 12 });
    expect(Array.from(alone.image.data)).toEqual(Array.from(a.images[1].data));
    // the noise job 2 got is Rng(12).fork('vae')'s normals, alone and in the batch
    const mine = new Rng(12).fork('vae');
    const want = Array.from({ length: 256 }, () => Math.fround(mine.normal()));
    expect(Array.from(data(seen[1]))).toEqual(want);
    expect(Array.from(data(seen[0]).subarray(256))).toEqual(want);
    expect(seen[0].dims).toEqual([2, 4, 8, 8]);
    const other = await pipe.generate(card(2), { ...o, prompt: 'a dog', seed: 13 });
    expect(Array.from(other.image.data)).not.toEqual(Array.from(alone.image.data));
    await pipe.generate(card(2), { ...o, prompt: 'a dog', seed: 12, vaeMode: 'mean' });
    expect(data(seen.at(-1)).every((v) => v === 0)).toBe(true);
  });
});

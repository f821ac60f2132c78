import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  backboneFixture,
  diffusionFixture,
  embedderFixture,
  type FixturePackage,
  folderOf,
  smolVlmFixture,
  vitGpt2Fixture,
} from '../../models/fixtures/index.ts';
import { ConfigError, ModelSignatureError } from '../../src/core/errors.ts';
import { fileUrl } from '../../src/models/fetch.ts';
import { filesFor, type ModelManifest, parseManifest } from '../../src/models/manifest.ts';
import { OrtSession } from '../../src/ort/session.ts';
import { signatureProblems } from '../../src/ort/signature.ts';
import type { ValueSpec } from '../../src/ort/types.ts';
import { resolveGeneration } from '../../src/stages/img2img/generation.ts';
import type { SchedulerConfig } from '../../src/stages/img2img/schedulers/common.ts';
import { img2imgSkip, makeScheduler } from '../../src/stages/img2img/schedulers/index.ts';
import { openEmbedder } from '../../src/stages/open-stage.ts';

const dir = new URL('../../models/', import.meta.url).pathname;
const real = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), parseManifest(JSON.parse(readFileSync(dir + f, 'utf8')), f)]),
) as Record<string, ModelManifest>;

describe('the real model manifests (models/*.json)', () => {
  it('all parse, one per stage family, with hub sources and every variant complete', () => {
    expect(Object.keys(real).sort()).toEqual([
      'all-minilm-l6-v2',
      'resnet-50-owg',
      'resnet50-qdrant',
      'sd-turbo',
      'sd-v1-5',
      'smolvlm-256m-instruct',
      'vit-gpt2-image-captioning',
    ]);
    for (const m of Object.values(real)) {
      expect('hub' in m.source).toBe(true);
      for (const v of Object.keys(m.variants)) expect(filesFor(m, v).length).toBeGreaterThan(0);
    }
    expect(fileUrl(real['all-minilm-l6-v2'], 'onnx/model.onnx')).toBe(
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx',
    );
    expect(filesFor(real['vit-gpt2-image-captioning'], 'q8').sort()).toEqual([
      'onnx/decoder_model_merged_quantized.onnx',
      'onnx/encoder_model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('the Stable Diffusion manifests take the tokenizer from a CLIP repo and carry the UNet external data', () => {
    const turbo = real['sd-turbo'];
    const v15 = real['sd-v1-5'];
    expect(turbo.source).toEqual({ hub: 'schmuell/sd-turbo-ort-web', revision: 'main' });
    expect(v15.source).toEqual({
      hub: 'nmkd/stable-diffusion-1.5-onnx-fp16',
      revision: '38dacf2c14c89e3538b5e32da888eb9c46e0e1bf',
    });
    // fp16 only, WebGPU only: the fp32 export's 3.44 GB UNet is not offered any more
    expect(Object.keys(v15.variants)).toEqual(['fp16']);
    expect(v15.webgpuOnly).toMatch(/wasm heap/);
    expect(fileUrl(turbo, 'unet/model.onnx')).toBe(
      'https://huggingface.co/schmuell/sd-turbo-ort-web/resolve/main/unet/model.onnx',
    );
    expect(fileUrl(turbo, 'tokenizer/tokenizer.json')).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch16/resolve/main/tokenizer.json',
    );
    expect(fileUrl(v15, 'tokenizer/tokenizer.json')).toBe(
      'https://huggingface.co/Xenova/clip-vit-large-patch14/resolve/main/tokenizer.json',
    );
    // SD-Turbo pads with '!' (id 0) as the SD-2 family does: named, since the CLIP config says otherwise
    expect(turbo.tokenizer).toEqual({ json: 'tokenizer/tokenizer.json', pad: '!' });
    expect(v15.tokenizer?.config).toBe('tokenizer/tokenizer_config.json');
    expect(filesFor(turbo, 'fp16').sort()).toEqual([
      'text_encoder/model.onnx',
      'tokenizer/tokenizer.json',
      'unet/model.onnx',
      'vae_decoder/model.onnx',
      'vae_encoder/model.onnx',
    ]);
    expect(filesFor(v15, 'fp16')).toContain('unet/weights.pb');
    expect(v15.files['unet/model.onnx'].externalData).toEqual(['unet/weights.pb']);
    // fp16 weights: the variant name is what makes openImg2Img require shader-f16 on WebGPU
    expect(Object.keys(turbo.variants)).toEqual(['fp16']);
    expect(turbo.sessions.textEncoder.outputs[0].shape).toEqual(['batch_size', 'sequence_length', 1024]);
    expect(v15.sessions.textEncoder.outputs[0].shape).toEqual(['batch', 'sequence', 768]);
  });

  it('the Stable Diffusion schedulers build: SD-Turbo img2img one Euler step at t=499, SD v1.5 PNDM from 981', () => {
    const turbo = real['sd-turbo'].img2img!;
    expect([turbo.steps, turbo.guidance, turbo.strength, turbo.cfg, turbo.width, turbo.vaeScale]).toEqual([
      2,
      0,
      0.5,
      false,
      512,
      0.18215,
    ]);
    expect(makeScheduler(turbo.scheduler as SchedulerConfig, 1).timesteps).toEqual([999]);
    // its own defaults: one UNet evaluation per candidate, nothing to correct
    const g = resolveGeneration({}, turbo);
    expect(g).toEqual({ steps: 2, guidance: 0, strength: 0.5, notes: [] });
    const s = makeScheduler(turbo.scheduler as SchedulerConfig, g.steps);
    s.startAt(img2imgSkip(g.steps, g.strength));
    expect(s.timesteps).toEqual([499]);
    const v15 = real['sd-v1-5'].img2img!;
    expect([v15.steps, v15.guidance, v15.width, v15.vaeScale]).toEqual([50, 7.5, 512, 0.18215]);
    const pndm = makeScheduler(v15.scheduler as SchedulerConfig, 50).timesteps;
    expect(pndm.slice(0, 4)).toEqual([981, 961, 961, 941]);
    expect(pndm.length).toBe(51);
  });

  /** Fixtures must mirror the real exports: same names, dtypes and ranks (sizes may be tiny). */
  const symbolic = (v: ValueSpec): ValueSpec => ({ ...v, shape: v.shape.map((_, i) => `d${i}`) });
  const pairs: [string, () => Promise<FixturePackage>][] = [
    ['all-minilm-l6-v2', embedderFixture],
    ['resnet-50-owg', () => backboneFixture('hf')],
    ['resnet50-qdrant', () => backboneFixture('torchvision')],
    ['vit-gpt2-image-captioning', vitGpt2Fixture],
    ['smolvlm-256m-instruct', smolVlmFixture],
    // optimum (Jan 2024) layout: int32 input_ids, int64 timestep [steps], sampled latent_sample
    ['sd-turbo', () => diffusionFixture({ ids: 'int32', timestep: 'int64-steps', vae: 'latent_sample' })],
    // diffusers-script --fp16 layout: int32 input_ids, float16 I/O, float16 timestep [batch], latent_sample
    [
      'sd-v1-5',
      () =>
        diffusionFixture({ ids: 'int32', timestep: 'float32-batch', vae: 'latent_sample', io: 'float16' }),
    ],
  ];
  for (const [id, make] of pairs) {
    it(`the ${id} fixture graphs satisfy the real manifest's names, dtypes and ranks`, async () => {
      const p = await make();
      const m = real[id];
      expect(Object.keys(p.manifest.sessions).sort()).toEqual(Object.keys(m.sessions).sort());
      for (const [role, file] of Object.entries(Object.values(p.manifest.variants)[0])) {
        const s = await OrtSession.create(p.files.get(file)!, { name: role, ep: 'wasm' });
        const want = {
          inputs: m.sessions[role].inputs.map(symbolic),
          outputs: m.sessions[role].outputs.map(symbolic),
        };
        expect(signatureProblems(want, s), `${id} ${role}`).toEqual([]);
        await s.dispose();
      }
    });
  }
});

// biome-ignore lint/suspicious/noExplicitAny: tests poke at untyped manifest JSON
type Json = Record<string, any>;

describe('parseManifest refuses bad manifests, naming the field', () => {
  const base = () => structuredClone(real['all-minilm-l6-v2']) as unknown as Json;
  const cases: [string, (m: Json) => void, RegExp][] = [
    ['path traversal', (m) => (m.files['../../etc/passwd'] = {}), /bad file path '\.\.\/\.\.\/etc\/passwd'/],
    ['bad hash', (m) => (m.files['tokenizer.json'] = { sha256: 'xyz' }), /sha256 is not hex/],
    ['variant file missing', (m) => (m.variants.fp32.model = 'onnx/nope.onnx'), /variant 'fp32' has no file/],
    ['no settings', (m) => delete m.embedder, /needs its 'embedder' settings/],
    ['hub without revision', (m) => delete m.source.revision, /needs a revision/],
    [
      'file source: hub without revision',
      (m) => (m.files['tokenizer.json'].source = { hub: 'Xenova/clip-vit-base-patch16' }),
      /files\['tokenizer\.json'\]\.source with hub needs a revision/,
    ],
    [
      'file source: neither hub nor url',
      (m) => (m.files['tokenizer.json'].source = 'Xenova/clip'),
      /files\['tokenizer\.json'\]\.source must be an object/,
    ],
    [
      'file source: path traversal',
      (m) => (m.files['tokenizer.json'].source = { hub: 'a/b', revision: 'main', path: '../x.json' }),
      /source path '\.\.\/x\.json' is not a relative file path/,
    ],
    [
      'file source: not http(s)',
      (m) => (m.files['tokenizer.json'].source = { url: 'file:///etc/passwd' }),
      /source url must be http\(s\)/,
    ],
    [
      'file source: url and hub both',
      (m) => (m.files['tokenizer.json'].source = { url: 'https://x.invalid/t.json', hub: 'a/b' }),
      /source with url takes no hub/,
    ],
    [
      'file source: unknown field',
      (m) => (m.files['tokenizer.json'].source = { hub: 'a/b', revision: 'main', sha: '1' }),
      /source has unknown field\(s\) sha/,
    ],
    [
      'bad dtype',
      (m) => (m.sessions.model.inputs[0].dtype = 'int128'),
      /each input\/output needs name, dtype/,
    ],
  ];
  for (const [label, mutate, re] of cases) {
    it(label, () => {
      const m = base();
      mutate(m);
      expect(() => parseManifest(m, 'x.json')).toThrow(ConfigError);
      expect(() => parseManifest(m, 'x.json')).toThrow(re);
    });
  }
});

describe('a manifest that differs from the graph: the graph decides, the difference is a warning', () => {
  it('input_ids declared int32 (as an SD text encoder has it): opens, warns, embeds as before', async () => {
    const p = await embedderFixture();
    const right = await openEmbedder(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    const m = structuredClone(p.manifest);
    m.sessions.model.inputs[0].dtype = 'int32';
    const wrong = await openEmbedder(m, { folder: folderOf(p), ep: 'wasm' });
    expect(right.model.warnings).toEqual([]);
    expect(wrong.model.warnings).toEqual([
      "tiny-minilm model (onnx/model.onnx): input 'input_ids': the manifest says int32, the graph has int64",
    ]);
    expect(Array.from(await wrong.stage.embed(['dog']))).toEqual(
      Array.from(await right.stage.embed(['dog'])),
    );
    await right.model.dispose();
    await wrong.model.dispose();
  });

  it('a graph missing what the stage needs still fails at open, listing the graph’s I/O', async () => {
    const p = await embedderFixture();
    const b = await backboneFixture('hf');
    const m = structuredClone(p.manifest);
    m.files['onnx/model.onnx'] = {}; // the backbone's graph where the embedder's should be
    const folder = { read: async (path: string) => (path === 'onnx/model.onnx' ? b : p).files.get(path) };
    const err = await openEmbedder(m, { folder, ep: 'wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelSignatureError);
    expect(err.message).toContain("no input for 'input_ids' (int64|int32, rank 2)");
    expect(err.message).toContain(
      "graph input 'pixel_values' (pixel_values: float32[batch_size, 3, 224, 224]) is required",
    );
    expect(err.message).toContain('The graph has:\n  in  pixel_values: float32[batch_size, 3, 224, 224]');
  });
});

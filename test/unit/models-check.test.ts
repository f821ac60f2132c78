/**
 * The models check (src/pipeline/check) in Node on ORT wasm: every random-weight fixture model fails
 * it, with its numbers printed; a known-good constructed img2img (a lossless VAE: SpaceToDepth
 * encoder, DepthToSpace decoder, and a UNet that predicts no noise) passes every img2img check.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipTokenizer, textEncoderGraph } from '../../models/fixtures/diffusion.ts';
import { GraphBuilder } from '../../models/fixtures/graph.ts';
import {
  backboneFixture,
  diffusionFixture,
  embedderFixture,
  type FixturePackage,
  folderOf,
  SD_SCHEDULER,
  smolVlmFixture,
  vitGpt2Fixture,
} from '../../models/fixtures/index.ts';
import { vocabSize } from '../../models/fixtures/tokenizers.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';
import { OrtSession } from '../../src/ort/session.ts';
import { checkImg2Img, VAE_PSNR_FLOOR } from '../../src/pipeline/check/img2img.ts';
import { flipX, namesAny, psnr } from '../../src/pipeline/check/measures.ts';
import { CHECK_PHOTOS, loadPhotos, type Photos } from '../../src/pipeline/check/photos.ts';
import { formatItem, item, type ModelCheck } from '../../src/pipeline/check/result.ts';
import { checkModel, mergeChecks, readChecks } from '../../src/pipeline/check/runner.ts';
import { Img2Img } from '../../src/stages/img2img/pipeline.ts';
import type { SchedulerConfig } from '../../src/stages/img2img/schedulers/index.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
let photos: Photos;
beforeAll(async () => {
  photos = await loadPhotos(async (name) => readFileSync(join(ROOT, 'public', 'check', name)));
});

describe('check measures', () => {
  it('PSNR: 99 for identical images, 20·log10(255/d) for a uniform error d', () => {
    const a = photos['cat.jpg'];
    expect(psnr(a, a)).toBe(99);
    const b = { ...a, data: a.data.map((v) => (v < 128 ? v + 5 : v - 5)) };
    expect(psnr(a, b)).toBeCloseTo(20 * Math.log10(255 / 5), 10);
    expect(() => psnr(a, { ...a, width: 1 })).toThrow(/psnr/);
  });

  it('the bundled photos decode at 256×256; a flip twice is the photo again', () => {
    for (const p of CHECK_PHOTOS) expect([photos[p].width, photos[p].height]).toEqual([256, 256]);
    const cat = photos['cat.jpg'];
    expect(psnr(flipX(flipX(cat)), cat)).toBe(99);
    expect(psnr(flipX(cat), cat)).toBeLessThan(30);
  });

  it('scripts/make-check-photos.mjs reproduces the committed photos byte for byte', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { makeCheckPhotos } = await import('../../scripts/make-check-photos.mjs');
    const out = mkdtempSync(join(tmpdir(), 'check-photos-'));
    try {
      makeCheckPhotos(out);
      for (const p of [...CHECK_PHOTOS, 'README.txt']) {
        expect(readFileSync(join(out, p)).equals(readFileSync(join(ROOT, 'public', 'check', p))), p).toBe(
          true,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('item(): min, max and near thresholds; NaN never passes', () => {
    const base = { name: 'x', threshold: 1, unit: '', source: 's' };
    expect(item({ ...base, value: 1, op: 'min' }).passed).toBe(true);
    expect(item({ ...base, value: 0.99, op: 'min' }).passed).toBe(false);
    expect(item({ ...base, value: 1.01, op: 'max' }).passed).toBe(false);
    expect(item({ ...base, value: 1.02, op: 'near', tolerance: 0.03 }).passed).toBe(true);
    expect(item({ ...base, value: 0.96, op: 'near', tolerance: 0.03 }).passed).toBe(false);
    expect(item({ ...base, value: Number.NaN, op: 'max' }).passed).toBe(false);
    expect(formatItem(item({ ...base, value: 0.5, op: 'min', unit: 'dB' }))).toBe(
      'FAIL x: 0.5000 dB (needs ≥ 1)',
    );
  });

  it('namesAny matches whole words only', () => {
    expect(namesAny('A Cat laying on a bed', ['cat'])).toBe(true);
    expect(namesAny('a catalogue', ['cat'])).toBe(false);
  });
});

describe('every random-weight fixture model fails its check, with numbers', () => {
  // The absolute checks fail on every fixture. Relational ones (a mirror closer than another photo,
  // strength ordering) can hold for a random linear map of the pixels: necessary, not sufficient.
  const ALL = ['similarity(s1, s2)', 'similarity(s1, s3)', 'similarity(s2, s3)'];
  const CAPTIONS = ['names the cat', 'names the coffee'];
  const fixtures: [string, () => Promise<FixturePackage>, string[]][] = [
    ['embedder', embedderFixture, ALL],
    ['backbone hf', () => backboneFixture('hf'), ['features non-negative']],
    ['backbone torchvision', () => backboneFixture('torchvision'), ['features non-negative']],
    ['captioner vit-gpt2', vitGpt2Fixture, CAPTIONS],
    ['captioner smolvlm', smolVlmFixture, CAPTIONS],
    ['img2img', () => diffusionFixture(), ['VAE reconstruction PSNR']],
  ];
  it.each(fixtures)('%s', async (_, make, mustFail) => {
    const p = await make();
    const r: ModelCheck = await checkModel(p.manifest, { folder: folderOf(p) }, { photos, ep: 'wasm' });
    console.log(`[models-check] ${r.id} (${r.task}, ${r.ep} ${r.variant}): ${r.passed ? 'PASS' : 'FAIL'}`);
    for (const c of r.checks) console.log(`  ${formatItem(c)}`);
    expect(r.error).toBeUndefined();
    expect(r.checks.length).toBeGreaterThan(0);
    for (const c of r.checks) {
      expect(Number.isFinite(c.value), c.name).toBe(true);
      expect(c.source.length).toBeGreaterThan(10);
    }
    expect(r.passed).toBe(false);
    for (const name of mustFail) expect(r.checks.find((c) => c.name === name)?.passed, name).toBe(false);
    expect(r.ep).toBe('wasm');
    expect(Date.parse(r.at)).not.toBeNaN();
  });

  it('a model whose files are missing fails with the reason, not a crash', async () => {
    const p = await embedderFixture();
    const r = await checkModel(
      p.manifest,
      { folder: { read: async () => undefined } },
      { photos, ep: 'wasm' },
    );
    expect(r.passed).toBe(false);
    expect(r.checks).toEqual([]);
    expect(r.error).toMatch(/onnx\/model\.onnx|tokenizer/);
  });
});

/** A lossless "VAE": the latent is the image's 8×8 blocks as channels (192 of them), and back. */
function identityVae() {
  const e = new GraphBuilder('identity-vae-encoder');
  const x = e.input('sample', 'float32', ['batch_size', 3, 'height', 'width']);
  e.output(
    'latent_sample',
    'float32',
    ['batch_size', 192, 'h', 'w'],
    e.op('SpaceToDepth', [x], { blocksize: 8 }),
  );
  const d = new GraphBuilder('identity-vae-decoder');
  const z = d.input('latent_sample', 'float32', ['batch_size', 192, 'h', 'w']);
  d.output(
    'sample',
    'float32',
    ['batch_size', 3, 'height', 'width'],
    d.op('DepthToSpace', [z], { blocksize: 8, mode: 'DCR' }),
  );
  return { encoder: e.encode(), decoder: d.encode() };
}

/** A UNet that predicts no noise (ε = 0): the scheduler then only rescales what it is given. */
function zeroUnet() {
  const g = new GraphBuilder('zero-unet');
  const s = g.input('sample', 'float32', ['batch_size', 192, 'h', 'w']);
  g.input('timestep', 'int64', ['steps']);
  g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', 8]);
  g.output('out_sample', 'float32', ['batch_size', 192, 'h', 'w'], g.op('Mul', [s, g.scalar(0)]));
  return g.encode();
}

describe('a known-good constructed img2img passes', () => {
  it('lossless VAE + ε = 0 UNet: reconstruction PSNR far above the floor; strength checks pass', async () => {
    const tok = clipTokenizer();
    const open = (b: Uint8Array, name: string) => OrtSession.create(b, { name, ep: 'wasm' });
    const vae = identityVae();
    const g = new Img2Img(
      {
        textEncoder: await open(textEncoderGraph(vocabSize(tok), 'int32'), 'text encoder'),
        unet: await open(zeroUnet(), 'unet'),
        vaeEncoder: await open(vae.encoder, 'vae encoder'),
        vaeDecoder: await open(vae.decoder, 'vae decoder'),
        tokenizer: new TextTokenizer(tok.json, tok.config),
      },
      // vaeScale 1: the latent is the image itself; 10 DDIM steps keep the test quick
      {
        scheduler: SD_SCHEDULER as SchedulerConfig,
        width: 64,
        height: 64,
        vaeScale: 1,
        steps: 10,
        guidance: 1,
      },
    );
    const checks = await checkImg2Img(g, photos);
    for (const c of checks) console.log(`[models-check] known-good img2img: ${formatItem(c)}`);
    expect(checks[0].value).toBeGreaterThan(VAE_PSNR_FLOOR + 20);
    expect(checks.map((c) => [c.name, c.passed])).toEqual(checks.map((c) => [c.name, true]));
  });
});

describe('checks.json', () => {
  it('merges new results over stored ones and reads them back by model id', async () => {
    const r = (id: string, passed: boolean): ModelCheck => ({
      id,
      task: 'embedder',
      passed,
      checks: [],
      ms: 1,
      ep: 'wasm',
      variant: 'fp32',
      at: '2025-01-01T00:00:00.000Z',
    });
    const first = mergeChecks({}, [r('a', false), r('b', false)]);
    const second = mergeChecks(await readChecks({ readText: async () => first }), [r('a', true)]);
    const back = await readChecks({ readText: async () => second });
    expect(Object.keys(back).sort()).toEqual(['a', 'b']);
    expect(back.a.passed).toBe(true);
    expect(back.b.passed).toBe(false);
    expect(await readChecks({ readText: async () => undefined })).toEqual({});
    await expect(readChecks({ readText: async () => '{' })).rejects.toThrow(/checks\.json: not valid JSON/);
  });
});

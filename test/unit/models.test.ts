import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  backboneFixture,
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

  /** Fixtures must mirror the real exports: same names, dtypes and ranks (sizes may be tiny). */
  const symbolic = (v: ValueSpec): ValueSpec => ({ ...v, shape: v.shape.map((_, i) => `d${i}`) });
  const pairs: [string, () => Promise<FixturePackage>][] = [
    ['all-minilm-l6-v2', embedderFixture],
    ['resnet-50-owg', () => backboneFixture('hf')],
    ['resnet50-qdrant', () => backboneFixture('torchvision')],
    ['vit-gpt2-image-captioning', vitGpt2Fixture],
    ['smolvlm-256m-instruct', smolVlmFixture],
  ];
  for (const [id, make] of pairs) {
    it(`the ${id} fixture graphs satisfy the real manifest's names, dtypes and ranks`, async () => {
      const p = await make();
      const m = real[id];
      expect(Object.keys(p.manifest.sessions).sort()).toEqual(Object.keys(m.sessions).sort());
      for (const [role, file] of Object.entries(p.manifest.variants.fp32)) {
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

describe('a wrong manifest fails with a clear error before any run', () => {
  it('input_ids declared int32 (as an SD text encoder has it): ModelSignatureError on open', async () => {
    const p = await embedderFixture();
    const m = structuredClone(p.manifest);
    m.sessions.model.inputs[0].dtype = 'int32';
    const err = await openEmbedder(m, { folder: folderOf(p), ep: 'wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelSignatureError);
    expect(err.message).toContain("input 'input_ids' is int64, expected int32");
    expect(err.message).toContain('The manifest expects:');
    expect(err.message).toContain('The graph has:');
  });
});

import { describe, expect, it } from 'vitest';
import {
  backboneFixture,
  embedderFixture,
  type FixturePackage,
  smolVlmFixture,
  vitGpt2Fixture,
} from '../../models/fixtures/index.ts';
import { OrtSession } from '../../src/ort/session.ts';
import { signatureProblems } from '../../src/ort/signature.ts';

const packages: [string, () => Promise<FixturePackage>][] = [
  ['embedder (MiniLM)', embedderFixture],
  ['backbone (hf)', () => backboneFixture('hf')],
  ['backbone (torchvision)', () => backboneFixture('torchvision')],
  ['captioner (vit-gpt2)', vitGpt2Fixture],
  ['captioner (SmolVLM)', smolVlmFixture],
];

describe('fixture graphs have the real exports’ I/O names, dtypes and symbolic dims', () => {
  for (const [label, make] of packages) {
    it(`${label}: every variant loads in ORT wasm and matches its manifest`, async () => {
      const p = await make();
      for (const [variant, roles] of Object.entries(p.manifest.variants)) {
        for (const [role, file] of Object.entries(roles)) {
          const s = await OrtSession.create(p.files.get(file)!, {
            name: `${p.manifest.id} ${variant} ${role}`,
            ep: 'wasm',
          });
          expect(s.ep).toBe('wasm');
          expect(signatureProblems(p.manifest.sessions[role], s), `${variant} ${role}`).toEqual([]);
          await s.dispose();
        }
      }
    });
  }

  it('vit-gpt2 decoder: 2 layers of past_key_values in, presents out, symbolic lengths kept', async () => {
    const p = await vitGpt2Fixture();
    const s = await OrtSession.create(p.files.get('onnx/decoder_model_merged.onnx')!, {
      name: 'd',
      ep: 'wasm',
    });
    expect(s.inputs.map((i) => i.name)).toEqual([
      'input_ids',
      'encoder_hidden_states',
      'past_key_values.0.key',
      'past_key_values.0.value',
      'past_key_values.1.key',
      'past_key_values.1.value',
      'use_cache_branch',
    ]);
    expect(s.inputs[2]).toEqual({
      name: 'past_key_values.0.key',
      dtype: 'float32',
      shape: ['batch_size', 2, 'past_sequence_length', 4],
    });
    expect(s.inputs[6]).toEqual({ name: 'use_cache_branch', dtype: 'bool', shape: [1] });
    expect(s.outputs.map((o) => o.name)).toEqual([
      'logits',
      'present.0.key',
      'present.0.value',
      'present.1.key',
      'present.1.value',
    ]);
    await s.dispose();
  });

  it('embedder manifest lists int64 [batch_size, sequence_length] inputs like MiniLM', async () => {
    const p = await embedderFixture();
    const s = await OrtSession.create(p.files.get('onnx/model.onnx')!, { name: 'e', ep: 'wasm' });
    expect(s.inputs).toEqual(
      ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({
        name,
        dtype: 'int64',
        shape: ['batch_size', 'sequence_length'],
      })),
    );
    expect(s.outputs).toEqual([
      { name: 'last_hidden_state', dtype: 'float32', shape: ['batch_size', 'sequence_length', 4] },
    ]);
    await s.dispose();
  });
});

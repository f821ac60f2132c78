import { describe, expect, it } from 'vitest';
import { folderOf, SMOL_PROMPT, smolVlmFixture, vitGpt2Fixture } from '../../models/fixtures/index.ts';
import { captionPrefix } from '../../src/core/caption.ts';
import type { CaptionerSettings } from '../../src/models/manifest.ts';
import type { TextTokenizer } from '../../src/models/tokenizer.ts';
import type { SessionLike } from '../../src/ort/session.ts';
import { int64, type TensorData } from '../../src/ort/types.ts';
import { beamSearch, greedy, type StepModel } from '../../src/stages/captioner/search.ts';
import { preprocess } from '../../src/stages/image/preprocess.ts';
import { openCaptioner } from '../../src/stages/open-stage.ts';
import { loadPng } from '../support/skimage.ts';

const last = (t: TensorData) => {
  const [, L, V] = t.dims;
  return (t.data as Float32Array).slice((L - 1) * V, L * V);
};
const emptyPast = (s: SessionLike) =>
  Object.fromEntries(
    s.inputs
      .filter((i) => i.name.startsWith('past_key_values'))
      .map((i) => [
        i.name,
        { type: 'float32', data: new Float32Array(0), dims: [1, i.shape[1], 0, i.shape[3]] },
      ]),
  ) as Record<string, TensorData>;

/**
 * Reference decoding without any cache: every step re-runs the decoder on the whole sequence, one
 * sequence at a time. Independent of the captioner's KV-cache, batching and beam reordering code.
 */
function noCacheModel(
  s: Record<string, SessionLike>,
  settings: CaptionerSettings,
  tok: TextTokenizer,
  pixels: Float32Array,
  className: string,
): StepModel {
  let seqs: number[][] = [];
  let enc: TensorData | undefined;
  let feats: Float32Array | undefined;
  const prefix = ` ${captionPrefix(className)}`;
  const px = { type: 'float32' as const, data: pixels, dims: [1, 3, 32, 32] };
  const logits = async (seq: number[]): Promise<Float32Array> => {
    if (settings.layout === 'encoder-decoder') {
      const out = await s.decoder.run({
        input_ids: int64(seq, [1, seq.length]),
        encoder_hidden_states: enc!,
        use_cache_branch: { type: 'bool', data: Uint8Array.of(0), dims: [1] },
        ...emptyPast(s.decoder),
      });
      return last(out.logits as TensorData);
    }
    const emb = (await s.embed.run({ input_ids: int64(seq, [1, seq.length]) })).inputs_embeds as TensorData;
    const e = emb.data as Float32Array;
    let r = 0;
    const img = tok.tokenId('<image>');
    seq.forEach((id, j) => {
      if (id === img) e.set(feats!.subarray(r * 8, ++r * 8), j * 8);
    });
    const out = await s.decoder.run({
      inputs_embeds: emb,
      attention_mask: int64(new Array(seq.length).fill(1), [1, seq.length]),
      position_ids: int64([...seq.keys()], [1, seq.length]),
      ...emptyPast(s.decoder),
    });
    return last(out.logits as TensorData);
  };
  return {
    async start() {
      if (settings.layout === 'encoder-decoder') {
        enc = (await s.encoder.run({ pixel_values: px })).last_hidden_state as TensorData;
        seqs = [[...settings.decoderStart!, ...tok.encode(prefix.trim(), false)]];
      } else {
        const mask = { type: 'bool' as const, data: new Uint8Array(32 * 32).fill(1), dims: [1, 1, 32, 32] };
        const v = await s.vision.run({
          pixel_values: { ...px, dims: [1, 1, 3, 32, 32] },
          pixel_attention_mask: mask,
        });
        feats = (v.image_features as TensorData).data as Float32Array;
        const head = SMOL_PROMPT.split(' {prefix}')[0].replace('<image>', '<image>'.repeat(16));
        seqs = [[...tok.encode(head, false), ...tok.encode(prefix, false)]];
      }
      return logits(seqs[0]);
    },
    async step(tokens, parents) {
      seqs = parents.map((p, i) => [...seqs[p], tokens[i]]);
      return Promise.all(seqs.map(logits));
    },
  };
}

const layouts = [
  ['encoder–decoder (vit-gpt2)', vitGpt2Fixture],
  ['vision encoder + embed_tokens + decoder (SmolVLM)', smolVlmFixture],
] as const;

for (const [label, make] of layouts) {
  describe(`Captioner, ${label} layout (ORT wasm)`, () => {
    const open = async (variant = 'fp32') => {
      const p = await make();
      return openCaptioner(p.manifest, { folder: folderOf(p), ep: 'wasm', variant });
    };
    const photo = () => loadPng('coffee.png');

    it('forces the prefix and grows the KV cache by one per step', async () => {
      const { stage, model } = await open('no-eos');
      const r = await stage.caption(photo(), 'cat', { maxNewTokens: 6 });
      expect(r.prefix).toBe('a photo of a cat which');
      expect(r.text.startsWith('a photo of a cat which')).toBe(true);
      expect(model.tokenizer!.decode(r.prefixTokens).trim()).toBe('a photo of a cat which');
      expect(r.generated.length).toBe(6); // never stops early: hits the token limit
      expect(r.finishedByEos).toBe(false);
      const P = r.pastLengths[1];
      expect(P).toBeGreaterThan(r.prefixTokens.length - 1); // the whole prompt went in first
      expect(r.pastLengths).toEqual([0, P, P + 1, P + 2, P + 3, P + 4]);
      await model.dispose();
    });

    it('greedy with the cache equals greedy without it (full recompute per step)', async () => {
      const { stage, model } = await open();
      const img = photo();
      const s = stage.settings;
      const r = await stage.caption(img, 'owl', { maxNewTokens: 8 });
      expect(r.text.startsWith('a photo of an owl which')).toBe(true);
      const ref = await greedy(
        noCacheModel(model.sessions, s, model.tokenizer!, preprocess(img, s.preprocess), 'owl'),
        { maxNewTokens: 8, eos: s.eos },
      );
      expect(r.generated).toEqual(ref.tokens);
      await model.dispose();
    });

    it('beam search with cache reordering equals beam search without a cache', async () => {
      const { stage, model } = await open();
      const img = photo();
      const s = stage.settings;
      const r = await stage.caption(img, 'sea lion', { numBeams: 3, maxNewTokens: 5 });
      const ref = await beamSearch(
        noCacheModel(model.sessions, s, model.tokenizer!, preprocess(img, s.preprocess), 'sea lion'),
        { maxNewTokens: 5, eos: s.eos, numBeams: 3 },
      );
      expect(r.generated).toEqual(ref.tokens);
      expect(r.text.startsWith('a photo of a sea lion which')).toBe(true);
      await model.dispose();
    });

    it('stops at end-of-sequence: the caption is exactly the prefix', async () => {
      const { stage, model } = await open('eos-now');
      const r = await stage.caption(photo(), 'golden retriever');
      expect(r.generated).toEqual(stage.settings.eos);
      expect(r.finishedByEos).toBe(true);
      expect(r.text).toBe('a photo of a golden retriever which');
      expect(r.pastLengths).toHaveLength(1);
      await model.dispose();
    });

    it('captionAll reports progress per image', async () => {
      const { stage, model } = await open('eos-now');
      const events: unknown[] = [];
      const out = await stage.captionAll(
        [
          { image: photo(), className: 'cat' },
          { image: loadPng('chelsea.png'), className: 'dog' },
        ],
        { onProgress: (e) => events.push(e) },
      );
      expect(out.map((c) => c.text)).toEqual(['a photo of a cat which', 'a photo of a dog which']);
      expect(events).toEqual([
        { type: 'stage', stage: 'caption', done: 1, total: 2, unit: 'images' },
        { type: 'stage', stage: 'caption', done: 2, total: 2, unit: 'images' },
      ]);
      await model.dispose();
    });
  });
}

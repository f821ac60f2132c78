/**
 * The default models' real tokenizers (../shared/real-models, see its PROVENANCE.md) through our own
 * tokenizer code, built from each manifest as the stages build them. Expected ids come from the
 * vocab/merges files through independent oracles; the few literal ids are those PROVENANCE.md states.
 */

import { describe, expect, it } from 'vitest';
import { captionPrefix } from '../../src/core/caption.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { FASHION_MNIST_CLASSES } from '../../src/experiment/fashion-mnist.ts';
import type { ModelManifest } from '../../src/models/manifest.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';
import { captionPrompt } from '../../src/stages/captioner/prompt.ts';
import {
  bpeOracle,
  CLIP_SPLIT,
  GPT2_SPLIT,
  jsonReal,
  loadManifests,
  manifestTokenizer,
  mergesTxt,
  readReal,
  realPathOf,
  requireRealModels,
  textReal,
  wordPieceOracle,
} from '../support/real-models.ts';

requireRealModels();
const manifests = loadManifests();
const byId = (id: string): ModelManifest => {
  const m = manifests.find((x) => x.id === id);
  if (!m) throw new Error(`models/${id}.json is missing`);
  return m;
};
const FASHION = FASHION_MNIST_CLASSES;
const rows = (t: { data: BigInt64Array; dims: readonly number[] }) =>
  Array.from({ length: t.dims[0] }, (_, b) =>
    Array.from(t.data.subarray(b * t.dims[1], (b + 1) * t.dims[1]), Number),
  );

describe('Stable Diffusion prompts: 77 CLIP tokens, start 49406, end 49407, pad per family', () => {
  // the SD tokenizer files themselves (SD1.5 and SD2.1-base ship the same vocab.json / merges.txt)
  const sdVocab = jsonReal('stable-diffusion-v1-5/tokenizer/vocab.json') as Record<string, number>;
  const clip = bpeOracle(
    { vocab: sdVocab, merges: mergesTxt(textReal('stable-diffusion-v1-5/tokenizer/merges.txt')) },
    CLIP_SPLIT,
    '</w>',
  );
  const [BOS, EOS] = [sdVocab['<|startoftext|>'], sdVocab['<|endoftext|>']];
  const sd = manifests.filter((m) => m.task === 'img2img');

  it('the SD vocabulary gives the ids PROVENANCE.md states', () => {
    expect([BOS, EOS, Object.keys(sdVocab).length]).toEqual([49406, 49407, 49408]);
    expect(clip('a photo of a cat')).toEqual([320, 1125, 539, 320, 2368]);
    expect(sd.map((m) => m.id)).toContain('sd-turbo');
  });

  for (const m of sd) {
    // SD1.x (CLIP-L, 768-d states) pads with <|endoftext|>; the SD-2 family (OpenCLIP-H, 1024-d) with '!'
    const width = Number(m.sessions.textEncoder.outputs[0].shape.at(-1));
    const family = width === 1024 ? 'SD-2 family' : 'SD1.x';
    const padToken = width === 1024 ? '!' : '<|endoftext|>';

    it(`${m.id} (${family}): the borrowed tokenizer.json is the SD tokenizer, pad '${padToken}'`, () => {
      const file = jsonReal(realPathOf(m, m.tokenizer!.json));
      expect(file.model.vocab).toEqual(sdVocab);
      expect(file.model.merges.map((x: string | string[]) => (Array.isArray(x) ? x.join(' ') : x))).toEqual(
        mergesTxt(textReal('stable-diffusion-v1-5/tokenizer/merges.txt')),
      );
      const tok = manifestTokenizer(m);
      expect(tok.padId).toBe(sdVocab[padToken]);
      expect(tok.padId).toBe(width === 1024 ? 0 : 49407);
    });

    it(`${m.id}: prompts pad to exactly 77 as the text encoder gets them (pipeline.ts encodeText)`, () => {
      const tok = manifestTokenizer(m);
      const long = Array(100).fill('cat').join(' ');
      const prompts = ['a photo of a cat', 'A photo of a T-shirt/top', long, ''];
      // the call Img2Img.encodeText makes
      const enc = tok.encodeBatch(prompts, { maxLength: 77, padding: 'max_length' });
      expect(enc.inputIds.dims).toEqual([4, 77]);
      const got = rows(enc.inputIds);
      const want = (text: string) => {
        const body = clip(text.toLowerCase()).slice(0, 75); // truncation keeps the start and end tokens
        return [BOS, ...body, EOS, ...Array(75 - body.length).fill(tok.padId)];
      };
      for (const [i, p] of prompts.entries()) expect(got[i], p).toEqual(want(p));
      expect(got[0].slice(0, 8)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407, tok.padId]);
      expect(got[2].at(-1)).toBe(49407);
      expect(got[3].slice(0, 3)).toEqual([49406, 49407, tok.padId]);
    });
  }

  it("why SD-Turbo's manifest names its pad: the CLIP files it borrows say <|endoftext|>, SD 2.1 says '!'", () => {
    const turbo = byId('sd-turbo');
    expect(turbo.tokenizer?.pad).toBe('!');
    // SD 2.1-base (what SD-Turbo is distilled from): special_tokens_map pads with '!' (id 0) ...
    expect(jsonReal('stable-diffusion-2-1-base/tokenizer/special_tokens_map.json').pad_token).toBe('!');
    // ... while the Xenova/clip-vit-base-patch16 config would give 49407 if it decided
    const json = readReal('clip-vit-base-patch16/tokenizer.json');
    const config = readReal('clip-vit-base-patch16/tokenizer_config.json');
    expect(TextTokenizer.fromBytes(json, config).padId).toBe(49407);
    expect(TextTokenizer.fromBytes(json, config, 't', '!').padId).toBe(0);
    // the SDXL-Turbo OpenCLIP tokenizer.json carries '!' as its pad: same id
    const xl = TextTokenizer.fromBytes(
      readReal('sdxl-turbo/tokenizer_2/tokenizer.json'),
      undefined,
      'xl',
      '!',
    );
    expect(xl.padId).toBe(0);
  });

  it('a pad token the vocabulary lacks is refused by name instead of padding with 0', () => {
    const json = readReal('clip-vit-base-patch16/tokenizer.json');
    expect(() => TextTokenizer.fromBytes(json, undefined, 'sd tokenizer', '<pad>')).toThrow(ConfigError);
    expect(() => TextTokenizer.fromBytes(json, undefined, 'sd tokenizer', '<pad>')).toThrow(
      "sd tokenizer: the pad token '<pad>' is not in tokenizer.json's vocabulary.",
    );
    // the AddedToken object form of pad_token is read like the string form
    const obj = new TextEncoder().encode(JSON.stringify({ pad_token: { content: '<|endoftext|>' } }));
    expect(TextTokenizer.fromBytes(json, obj).padId).toBe(49407);
  });
});

describe('all-MiniLM-L6-v2: class names as the embedder tokenises them', () => {
  const m = byId('all-minilm-l6-v2');
  const tok = manifestTokenizer(m);
  const bert = wordPieceOracle(textReal('all-MiniLM-L6-v2/vocab.txt'));

  it('[CLS]=101 … [SEP]=102, lower-cased WordPiece, padded with [PAD]=0 to the longest name only', () => {
    expect([tok.tokenId('[CLS]'), tok.tokenId('[SEP]'), tok.padId]).toEqual([101, 102, 0]);
    // the call Embedder.embed makes
    const enc = tok.encodeBatch(FASHION, { maxLength: m.embedder!.maxLength });
    const want = FASHION.map((n) => [101, ...bert(n), 102]);
    const width = Math.max(...want.map((r) => r.length));
    expect(enc.inputIds.dims).toEqual([FASHION.length, width]);
    expect(rows(enc.inputIds)).toEqual(want.map((r) => [...r, ...Array(width - r.length).fill(0)]));
    expect(rows(enc.attentionMask)).toEqual(
      want.map((r) => Array.from({ length: width }, (_, j) => (j < r.length ? 1 : 0))),
    );
    expect(Array.from(enc.tokenTypeIds.data, Number).every((v) => v === 0)).toBe(true);
    expect(rows(enc.inputIds)[0].slice(0, 7)).toEqual([101, ...bert('t-shirt/top'), 102]);
    expect(bert('ankle boot')).toEqual([tok.tokenId('ankle'), tok.tokenId('boot')]);
  });

  it("tokenizer.json's fixed 128 padding/truncation is not applied: the manifest's maxLength (256) is", () => {
    const file = jsonReal('all-MiniLM-L6-v2/tokenizer.json');
    expect(file.padding.strategy).toEqual({ Fixed: 128 });
    expect(file.truncation.max_length).toBe(128);
    expect(tok.encode('ankle boot')).toHaveLength(4);
    // sentence-transformers truncates at max_seq_length 256, keeping [SEP] last
    expect(m.embedder!.maxLength).toBe(jsonReal('all-MiniLM-L6-v2/sentence_bert_config.json').max_seq_length);
    const enc = tok.encodeBatch([Array(300).fill('boot').join(' ')], { maxLength: m.embedder!.maxLength });
    const row = rows(enc.inputIds)[0];
    expect(row).toHaveLength(256);
    expect([row[0], row[1], row[254], row[255]]).toEqual([
      101,
      tok.tokenId('boot'),
      tok.tokenId('boot'),
      102,
    ]);
  });
});

describe('vit-gpt2: the forced prefix in GPT-2 ids after <|endoftext|> (50256)', () => {
  const m = byId('vit-gpt2-image-captioning');
  const tok = manifestTokenizer(m);
  const model = jsonReal('vit-gpt2-image-captioning/tokenizer.json').model;
  const gpt2 = bpeOracle({ vocab: model.vocab, merges: model.merges }, GPT2_SPLIT);

  it('decoderStart and eos are generation_config.json’s; the prefix follows without a space', () => {
    const gen = jsonReal('vit-gpt2-image-captioning/generation_config.json');
    expect(m.captioner!.decoderStart).toEqual([gen.decoder_start_token_id]);
    expect(m.captioner!.eos).toEqual([gen.eos_token_id]);
    expect(model.vocab['<|endoftext|>']).toBe(50256);
    for (const y of ['cat', 'ankle boot', 'T-shirt/top']) {
      const prefix = captionPrefix(y);
      const p = captionPrompt(tok, m.captioner!, prefix);
      expect(p.ids(0), prefix).toEqual([50256, ...gpt2(prefix)]);
      expect(tok.decode(p.prefixTokens)).toBe(prefix);
    }
    const cat = captionPrompt(tok, m.captioner!, 'a photo of a cat which');
    // 'a' (64) opens the caption without a leading space, as the model's own captions start
    expect(cat.ids(0)).toEqual([50256, 64, 4590, 286, 257, 3797, 543]);
    expect(['a', 'Ġphoto', 'Ġof', 'Ġa', 'Ġcat', 'Ġwhich'].map((w) => model.vocab[w])).toEqual(
      cat.prefixTokens,
    );
  });
});

describe('SmolVLM-256M-Instruct: the chat template with 64 image tokens, no automatic BOS', () => {
  const m = byId('smolvlm-256m-instruct');
  const s = m.captioner!;
  const tok = manifestTokenizer(m);
  const added = jsonReal('SmolVLM-256M-Instruct/added_tokens.json') as Record<string, number>;
  const vocab = jsonReal('SmolVLM-256M-Instruct/vocab.json') as Record<string, number>;
  const bpe = bpeOracle(
    { vocab, merges: mergesTxt(textReal('SmolVLM-256M-Instruct/merges.txt')) },
    GPT2_SPLIT,
  );
  const special: Record<string, number> = { ...added, '<|im_start|>': 1, '<|endoftext|>': 0 };
  const tokenJson = jsonReal('SmolVLM-256M-Instruct/tokenizer.json');

  /** Oracle ids of a text whose special tokens are split out first (as added tokens are). */
  const oracle = (text: string) =>
    text
      .split(/(<\|im_start\|>|<[a-z_-]+>)/)
      .filter((p) => p !== '')
      .flatMap((p) => (p in special ? [special[p]] : bpe(p)));

  it('the special ids are the files’: <image> 49190, <global-img> 49152, <fake_token_around_image> 49189', () => {
    const byContent = Object.fromEntries(
      tokenJson.added_tokens.map((t: { content: string; id: number }) => [t.content, t.id]),
    );
    expect(byContent['<|im_start|>']).toBe(1);
    expect([
      added['<image>'],
      added['<global-img>'],
      added['<fake_token_around_image>'],
      added['<end_of_utterance>'],
    ]).toEqual([49190, 49152, 49189, 49279]);
    expect(tok.tokenId(s.imageToken!)).toBe(jsonReal('SmolVLM-256M-Instruct/config.json').image_token_id);
    // eos: generation_config's 49279 (<end_of_utterance>, the tokenizer_config eos), not text_config's 2
    const gen = jsonReal('SmolVLM-256M-Instruct/generation_config.json');
    expect(s.eos).toEqual([gen.eos_token_id]);
    expect(tok.tokenId(jsonReal('SmolVLM-256M-Instruct/tokenizer_config.json').eos_token)).toBe(49279);
    expect(tok.padId).toBe(gen.pad_token_id);
  });

  it('no automatic BOS: tokenizer.json has no post-processor, the template writes <|im_start|> itself', () => {
    expect(tokenJson.post_processor).toBeNull();
    expect(tok.encode('Caption this image.')).toEqual(tok.encode('Caption this image.', false));
    expect(tok.encode('Caption this image.')).toEqual(bpe('Caption this image.'));
  });

  it("the manifest's prompt is the real chat template with the Idefics3 image expansion", () => {
    // chat_template.json for [user: image, "Caption this image."] with add_generation_prompt: a single
    // leading <|im_start|>, 'User' + ':' (no space when the first item is an image), <end_of_utterance>\n
    const template = jsonReal('SmolVLM-256M-Instruct/chat_template.json').chat_template as string;
    for (const piece of [
      "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}",
      "{{':'}}",
      "{{ '<image>' }}",
      '<end_of_utterance>\n{% endfor %}',
      "{{ 'Assistant:' }}",
    ])
      expect(template).toContain(piece);
    const rendered = '<|im_start|>User:<image>Caption this image.<end_of_utterance>\nAssistant:';
    // the processor (no splitting: one global tile) puts image_seq_len <image> tokens between
    // <fake_token_around_image><global-img> and <fake_token_around_image>
    const seq = jsonReal('SmolVLM-256M-Instruct/processor_config.json').image_seq_len;
    expect(seq).toBe(64);
    const expanded = rendered.replace(
      '<image>',
      `<fake_token_around_image><global-img>${'<image>'.repeat(seq)}<fake_token_around_image>`,
    );
    const prefix = captionPrefix('cat');
    const p = captionPrompt(tok, s, prefix);
    const ids = p.ids(seq);
    expect(ids).toEqual(oracle(`${expanded} ${prefix}`));
    expect(ids[0]).toBe(1);
    expect(ids.filter((i) => i === 1)).toHaveLength(1);
    expect(ids.filter((i) => i === 49190)).toHaveLength(64);
    expect(ids.slice(3, 6)).toEqual([49189, 49152, 49190]);
    expect(ids.includes(0)).toBe(false);
    expect(p.prefixTokens).toEqual(bpe(` ${prefix}`));
    expect(tok.decode(p.prefixTokens).trim()).toBe(prefix);
    // a free caption (the models check) ends at the template's 'Assistant:'
    expect(captionPrompt(tok, s, '').ids(seq)).toEqual(oracle(expanded));
  });
});

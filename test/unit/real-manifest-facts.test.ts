/**
 * Manifest facts against the real config files (../shared/real-models, PROVENANCE.md): preprocessing
 * constants, hidden sizes, KV-cache heads, vocabulary sizes, image token counts, schedulers, and the
 * sizes/sha256 pinned from Git-LFS pointers of the very files a manifest downloads.
 */
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/models/manifest.ts';
import { jsonReal, loadManifests, requireRealModels, textReal } from '../support/real-models.ts';

requireRealModels();
const manifests = loadManifests();
const byId = (id: string): ModelManifest => {
  const m = manifests.find((x) => x.id === id);
  if (!m) throw new Error(`models/${id}.json is missing`);
  return m;
};
const lastDim = (m: ModelManifest, role: string, out: string) =>
  m.sessions[role].outputs.find((o) => o.name === out)?.shape.at(-1);
/** PIL resample codes in preprocessor_config.json. */
const PIL = { 1: 'lanczos', 2: 'bilinear', 3: 'bicubic' } as Record<number, string>;

describe('manifest facts match the real configs', () => {
  it('all-MiniLM-L6-v2: 384-d, 256 tokens as sentence-transformers, mean pooling then normalise', () => {
    const m = byId('all-minilm-l6-v2');
    expect(m.embedder!.dim).toBe(jsonReal('all-MiniLM-L6-v2/config.json').hidden_size);
    expect(lastDim(m, 'model', 'last_hidden_state')).toBe(384);
    expect(m.embedder!.maxLength).toBe(jsonReal('all-MiniLM-L6-v2/sentence_bert_config.json').max_seq_length);
    expect(jsonReal('all-MiniLM-L6-v2/1_Pooling/config.json').pooling_mode_mean_tokens).toBe(true);
    expect(
      jsonReal('all-MiniLM-L6-v2/modules.json').map((x: { type: string }) => x.type.split('.').at(-1)),
    ).toEqual(['Transformer', 'Pooling', 'Normalize']);
  });

  it('resnet-50-owg: the microsoft/resnet-50 processor (shortest edge 224/0.875 = 256, bicubic, crop 224)', () => {
    const p = byId('resnet-50-owg').backbone!.preprocess;
    const real = jsonReal('resnet-50/preprocessor_config.json');
    expect(p.resize).toEqual({ shortestEdge: Math.floor(real.size.shortest_edge / real.crop_pct) });
    expect(p.crop).toEqual({ width: real.size.shortest_edge, height: real.size.shortest_edge });
    expect(p.resample).toBe(PIL[real.resample]);
    expect([p.rescale, p.mean, p.std]).toEqual([real.rescale_factor, real.image_mean, real.image_std]);
  });

  it('vit-gpt2: 224² bilinear, mean = std = 0.5; GPT-2 12 heads × 64, vocab 50257, ViT 768-d', () => {
    const m = byId('vit-gpt2-image-captioning');
    const p = m.captioner!.preprocess;
    const real = jsonReal('vit-gpt2-image-captioning/preprocessor_config.json');
    expect(p.resize).toEqual({ width: real.size.width, height: real.size.height });
    expect(p.crop).toBeUndefined();
    expect(p.resample).toBe(PIL[real.resample]);
    expect([p.rescale, p.mean, p.std]).toEqual([real.rescale_factor, real.image_mean, real.image_std]);
    const { encoder, decoder } = jsonReal('vit-gpt2-image-captioning/config.json');
    expect(lastDim(m, 'encoder', 'last_hidden_state')).toBe(encoder.hidden_size);
    expect(lastDim(m, 'decoder', 'logits')).toBe(decoder.vocab_size);
    const kv = m.sessions.decoder.inputs.find((i) => i.name === 'past_key_values.*.key')!.shape;
    expect([kv[1], kv[3]]).toEqual([decoder.n_head, decoder.n_embd / decoder.n_head]);
    expect(m.captioner!.maxNewTokens).toBeGreaterThan(0);
  });

  it('SmolVLM-256M: one 512² tile, LANCZOS, mean = std = 0.5, 64 image rows of 576, 3 KV heads × 64', () => {
    const m = byId('smolvlm-256m-instruct');
    const p = m.captioner!.preprocess;
    const pre = jsonReal('SmolVLM-256M-Instruct/preprocessor_config.json');
    const tile = pre.max_image_size.longest_edge;
    expect(p.resize).toEqual({ width: tile, height: tile });
    expect(p.resample).toBe(PIL[pre.resample]);
    expect([p.rescale, p.mean, p.std]).toEqual([pre.rescale_factor, pre.image_mean, pre.image_std]);
    const cfg = jsonReal('SmolVLM-256M-Instruct/config.json');
    const text = cfg.text_config;
    const seq = jsonReal('SmolVLM-256M-Instruct/processor_config.json').image_seq_len;
    // 64 = (512 / patch 16)² / scale_factor²
    expect(seq).toBe(
      (cfg.vision_config.image_size / cfg.vision_config.patch_size) ** 2 / cfg.scale_factor ** 2,
    );
    expect(m.sessions.vision.outputs[0].shape.slice(-2)).toEqual([seq, text.hidden_size]);
    expect(m.sessions.vision.inputs[0].shape.slice(-2)).toEqual([tile, tile]);
    expect(lastDim(m, 'embed', 'inputs_embeds')).toBe(text.hidden_size);
    expect(lastDim(m, 'decoder', 'logits')).toBe(cfg.vocab_size);
    const kv = m.sessions.decoder.inputs.find((i) => i.name === 'past_key_values.*.key')!.shape;
    expect([kv[1], kv[3]]).toEqual([text.num_key_value_heads, text.head_dim]);
  });

  it('SmolVLM-256M: sizes and sha256 pinned from the Git-LFS pointers of the same repo paths', () => {
    const m = byId('smolvlm-256m-instruct');
    for (const [path, entry] of Object.entries(m.files)) {
      if (!path.endsWith('.onnx')) continue;
      const pointer = textReal(`SmolVLM-256M-Instruct/lfs-pointers/${path}`);
      expect({ path, sha256: entry.sha256, size: entry.size }).toEqual({
        path,
        sha256: /oid sha256:([0-9a-f]{64})/.exec(pointer)![1],
        size: Number(/size (\d+)/.exec(pointer)![1]),
      });
    }
  });

  it('Stable Diffusion: text widths, SD1.x/2.x scheduler betas, VAE scale 0.18215', () => {
    const sd1 = jsonReal('stable-diffusion-v1-5/scheduler/scheduler_config.json');
    const sd2 = jsonReal('stable-diffusion-2-1-base/scheduler/scheduler_config.json');
    const scale = jsonReal('stable-diffusion-v1-4/vae/config.json').scaling_factor;
    const width1 = jsonReal('stable-diffusion-v1-5/text_encoder/config.json').hidden_size;
    const width2 = jsonReal('stable-diffusion-2-1-base/text_encoder/config.json').hidden_size;
    for (const m of manifests.filter((x) => x.task === 'img2img')) {
      const width = lastDim(m, 'textEncoder', 'last_hidden_state');
      expect([width1, width2], m.id).toContain(width);
      const real = width === width1 ? sd1 : sd2;
      const s = m.img2img!.scheduler;
      for (const k of ['beta_start', 'beta_end', 'beta_schedule', 'num_train_timesteps', 'steps_offset'])
        expect(s[k], `${m.id} ${k}`).toEqual(real[k]);
      expect(m.img2img!.vaeScale).toBe(scale);
      const unetText = m.sessions.unet.inputs.find((i) => i.name === 'encoder_hidden_states')!.shape.at(-1);
      expect(unetText).toBe(width);
    }
    expect(lastDim(byId('sd-turbo'), 'textEncoder', 'last_hidden_state')).toBe(width2);
  });

  it('licences: only the hub repo’s own claim, else "upstream: …"', () => {
    for (const m of manifests)
      expect(m.license, m.id).toMatch(/^(upstream: |apache-2.0$|creativeml-openrail-m$)/);
    // SmolVLM's hub repo is the upstream itself (README front-matter apache-2.0)
    expect(byId('smolvlm-256m-instruct').license).toBe('apache-2.0');
  });
});

/**
 * Binding by role (src/ort/binding.ts, bound-session.ts): the matcher on plain signatures, then real
 * ORT sessions (wasm) on tiny graphs in the exporter variants the manifests do not describe — they
 * open with warnings naming both sides and compute what the described export computes; a graph
 * missing a role fails with a message listing the graph's I/O and what was looked for.
 */
import { describe, expect, it } from 'vitest';
import { decoderGraph, TINY, visionEncoderGraph } from '../../models/fixtures/captioner.ts';
import {
  diffusionFixture,
  EMBED_DIM,
  embedderFixture,
  type FixturePackage,
  folderOf,
  smolVlmFixture,
} from '../../models/fixtures/index.ts';
import { bertTokenizer, vocabSize } from '../../models/fixtures/tokenizers.ts';
import { embedderGraph } from '../../models/fixtures/vision-text.ts';
import { ModelSignatureError } from '../../src/core/errors.ts';
import { bind, FLOAT, INT, type SessionRoles } from '../../src/ort/binding.ts';
import type { DType, ValueSpec } from '../../src/ort/types.ts';
import { openImg2Img } from '../../src/stages/img2img/open.ts';
import { IMG2IMG_ROLES } from '../../src/stages/img2img/roles.ts';
import { openCaptioner, openEmbedder } from '../../src/stages/open-stage.ts';
import { loadPng } from '../support/skimage.ts';

const v = (name: string, dtype: DType, shape: (number | string)[]): ValueSpec => ({ name, dtype, shape });
const lat = ['batch_size', 4, 'h', 'w'];

/** Put another graph in place of a package's file (its recorded size and hash no longer apply). */
function swap(p: FixturePackage, path: string, bytes: Uint8Array): void {
  p.files.set(path, bytes);
  delete p.manifest.files[path].sha256;
  delete p.manifest.files[path].size;
}

describe('bind(): the graph decides, the manifest is a cross-check', () => {
  const unet = IMG2IMG_ROLES.unet;
  const manifestUnet = {
    inputs: [
      v('sample', 'float32', lat),
      v('timestep', 'int64', ['steps']),
      v('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', 8]),
    ],
    outputs: [v('out_sample', 'float32', lat)],
  };

  it('binds an exporter variant by role and warns for every difference, naming both sides', () => {
    const graph = {
      inputs: [
        v('sample', 'float16', lat),
        v('timestep', 'float16', []),
        v('encoder_hidden_states', 'float16', ['batch_size', 'sequence_length', 8]),
      ],
      outputs: [v('out_sample', 'float16', lat)],
    };
    const b = bind('sd unet', unet, graph, manifestUnet);
    expect(b.inputs.map((x) => [x.spec.name, x.graph, x.spec.dtype])).toEqual([
      ['sample', 'sample', 'float16'],
      ['timestep', 'timestep', 'float16'],
      ['encoder_hidden_states', 'encoder_hidden_states', 'float16'],
    ]);
    expect(b.warnings).toEqual([
      "sd unet: input 'sample': the manifest says float32, the graph has float16",
      "sd unet: input 'timestep': the manifest says int64, the graph has float16",
      "sd unet: input 'timestep': the manifest says rank 1 [steps], the graph has rank 0 []",
      "sd unet: input 'encoder_hidden_states': the manifest says float32, the graph has float16",
      "sd unet: output 'out_sample': the manifest says float32, the graph has float16",
    ]);
    // the same graph as the manifest describes it: nothing to say
    expect(bind('sd unet', unet, manifestUnet, manifestUnet).warnings).toEqual([]);
  });

  it('one of two alternatives (latent_sample | latent_parameters); a renamed output is bound by type', () => {
    const enc = bind(
      'vae encoder',
      IMG2IMG_ROLES.vaeEncoder,
      { inputs: [v('sample', 'float32', lat)], outputs: [v('latent_parameters', 'float32', lat)] },
      { inputs: [v('sample', 'float32', lat)], outputs: [v('latent_sample', 'float32', lat)] },
    );
    expect(enc.outputs.map((x) => x.spec.name)).toEqual(['latent_parameters']);
    expect(enc.warnings).toEqual([
      "vae encoder: output: the manifest says 'latent_sample', the graph has 'latent_parameters' (used as 'latent_parameters')",
    ]);
    const renamed = bind('unet', unet, { ...manifestUnet, outputs: [v('noise_pred', 'float32', lat)] });
    expect(renamed.outputs.map((x) => [x.spec.name, x.graph])).toEqual([['out_sample', 'noise_pred']]);
    expect(renamed.warnings[0]).toMatch(
      /no output named 'out_sample'; bound the graph's only fitting output 'noise_pred'/,
    );
  });

  it('fills symbolic KV dims from the manifest (with a warning), keeps them symbolic without one', () => {
    const roles: SessionRoles = {
      inputs: [{ role: 'past_key_values.*.key', dtypes: FLOAT, ranks: [4], manifestDims: [1, 3] }],
      outputs: [],
    };
    const sym = ['batch_size', 'num_key_value_heads', 'past_sequence_length', 'head_dim'];
    const graph = { inputs: [0, 1].map((i) => v(`past_key_values.${i}.key`, 'float32', sym)), outputs: [] };
    const manifest = {
      inputs: [v('past_key_values.*.key', 'float32', ['batch_size', 3, 'past', 64])],
      outputs: [],
    };
    const b = bind('decoder', roles, graph, manifest);
    expect(b.inputs.map((x) => [x.spec.name, x.spec.shape])).toEqual([
      ['past_key_values.0.key', ['batch_size', 3, 'past_sequence_length', 64]],
      ['past_key_values.1.key', ['batch_size', 3, 'past_sequence_length', 64]],
    ]);
    // one warning per dim for the whole family, not one per layer
    expect(b.warnings).toEqual([
      "decoder: input 'past_key_values.*.key' dim 1 is symbolic ('num_key_value_heads') in the graph; using the manifest's 3",
      "decoder: input 'past_key_values.*.key' dim 3 is symbolic ('head_dim') in the graph; using the manifest's 64",
    ]);
    expect(bind('decoder', roles, graph).inputs[0].spec.shape).toEqual(sym);
  });

  it('an optional input may be absent; a manifest input the graph lacks is a warning', () => {
    const roles: SessionRoles = {
      inputs: [
        { role: 'input_ids', dtypes: INT, ranks: [2] },
        { role: 'token_type_ids', dtypes: INT, ranks: [2], optional: true },
      ],
      outputs: [{ role: 'last_hidden_state', dtypes: FLOAT, ranks: [3] }],
    };
    const ids = v('input_ids', 'int32', ['b', 's']);
    const out = v('last_hidden_state', 'float32', ['b', 's', 4]);
    const b = bind(
      'm',
      roles,
      { inputs: [ids], outputs: [out] },
      {
        inputs: [{ ...ids, dtype: 'int64' }, v('token_type_ids', 'int64', ['b', 's'])],
        outputs: [out],
      },
    );
    expect(b.inputs.map((x) => x.graph)).toEqual(['input_ids']);
    expect(b.warnings).toEqual([
      "m: input 'input_ids': the manifest says int64, the graph has int32",
      "m: input 'token_type_ids': the manifest lists it, the graph has none",
    ]);
  });

  it('a required role nothing fits, or an input nobody can feed: ModelSignatureError listing both', () => {
    const graph = {
      inputs: [
        v('sample', 'float32', lat),
        v('timestep', 'bool', [1]),
        v('text_embeds', 'float32', ['b', 1280]),
      ],
      outputs: [v('out_sample', 'float32', lat)],
    };
    let err: Error | undefined;
    try {
      bind('sdxl unet (unet/model.onnx)', unet, graph, manifestUnet);
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(ModelSignatureError);
    const msg = err!.message;
    expect(msg).toContain("Model 'sdxl unet (unet/model.onnx)' cannot be used");
    expect(msg).toContain(
      "no input for 'timestep' (int64|int32|float32|float16, rank 0|1): found timestep: bool[1]",
    );
    expect(msg).toContain("no input for 'encoder_hidden_states' (float32|float16, rank 3)");
    expect(msg).toContain(
      "graph input 'timestep' (timestep: bool[1]) is required and AutoGenDA cannot feed it",
    );
    expect(msg).toContain("graph input 'text_embeds' (text_embeds: float32[b, 1280]) is required");
    expect(msg).toContain('The graph has:\n  in  sample: float32[batch_size, 4, h, w]');
    expect(msg).toContain('  out out_sample: float32[batch_size, 4, h, w]');
    expect(msg).toContain("AutoGenDA looked for:\n  in  'sample' (float32|float16, rank 4)");
    // neither of two alternatives
    expect(() =>
      bind('vae', IMG2IMG_ROLES.vaeEncoder, {
        inputs: [v('sample', 'float32', lat)],
        outputs: [v('z', 'float32', lat)],
      }),
    ).toThrow(/no output for any of 'latent_sample' .*, 'latent_parameters'/);
  });
});

describe('exporter variants the manifest does not describe still open and run (ORT wasm)', () => {
  it('embedder: int32 ids and a token_embeddings output under a MiniLM manifest → same vectors, warned', async () => {
    const ref = await embedderFixture();
    const a = await openEmbedder(ref.manifest, { folder: folderOf(ref), ep: 'wasm' });
    expect(a.model.warnings).toEqual([]);
    const p = await embedderFixture();
    swap(
      p,
      'onnx/model.onnx',
      embedderGraph(vocabSize(bertTokenizer()), EMBED_DIM, { ids: 'int32', output: 'token_embeddings' }),
    );
    const b = await openEmbedder(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    expect(b.model.warnings).toEqual([
      "tiny-minilm model (onnx/model.onnx): input 'input_ids': the manifest says int64, the graph has int32",
      "tiny-minilm model (onnx/model.onnx): input 'attention_mask': the manifest says int64, the graph has int32",
      "tiny-minilm model (onnx/model.onnx): input 'token_type_ids': the manifest says int64, the graph has int32",
      "tiny-minilm model (onnx/model.onnx): output: the manifest says 'last_hidden_state', the graph has 'token_embeddings' (used as 'last_hidden_state')",
    ]);
    const names = ['dog', 'the owl', 'a sea lion'];
    expect(Array.from(await b.stage.embed(names))).toEqual(Array.from(await a.stage.embed(names)));
    await a.model.dispose();
    await b.model.dispose();
  });

  it('SmolVLM: symbolic KV heads/size, use_cache_branch and rank-2 image_features → the same captions', async () => {
    const ref = await smolVlmFixture();
    const a = await openCaptioner(ref.manifest, { folder: folderOf(ref), ep: 'wasm' });
    const p = await smolVlmFixture();
    const V = ref.manifest.sessions.decoder.outputs[0].shape[2] as number;
    const eos = ref.manifest.captioner!.eos[0];
    const dims = { ...TINY, vocab: V };
    const variant = {
      layout: 'vision-embed-decoder',
      eosId: eos,
      symbolicKv: true,
      useCacheBranch: true,
    } as const;
    swap(p, 'onnx/decoder_model_merged.onnx', decoderGraph(dims, variant));
    swap(p, 'onnx/vision_encoder.onnx', visionEncoderGraph(TINY.hidden, 2));
    const b = await openCaptioner(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    const w = b.model.warnings.join('\n');
    expect(w).toContain(
      "output 'image_features': the manifest says rank 3 [num_images, 16, 8], the graph has rank 2 [image_rows, 8]",
    );
    expect(w).toContain(
      "input 'past_key_values.*.key' dim 1 is symbolic ('num_key_value_heads') in the graph; using the manifest's 2",
    );
    expect(w).toContain(
      "input 'past_key_values.*.value' dim 3 is symbolic ('head_dim') in the graph; using the manifest's 4",
    );
    expect(w).toContain(
      "input 'use_cache_branch': the manifest does not list it; the graph has use_cache_branch: bool[1]",
    );
    const img = loadPng('coffee.png');
    for (const numBeams of [1, 3]) {
      const ra = await a.stage.caption(img, 'owl', { maxNewTokens: 6, numBeams });
      const rb = await b.stage.caption(img, 'owl', { maxNewTokens: 6, numBeams });
      expect(rb.generated, `beams ${numBeams}`).toEqual(ra.generated);
      expect(rb.pastLengths).toEqual(ra.pastLengths);
    }
    await a.model.dispose();
    await b.model.dispose();
  });

  it('SmolVLM with symbolic KV dims in both the graph and the manifest: a clear error, not a crash', async () => {
    const p = await smolVlmFixture();
    const V = p.manifest.sessions.decoder.outputs[0].shape[2] as number;
    const variant = {
      layout: 'vision-embed-decoder',
      eosId: p.manifest.captioner!.eos[0],
      symbolicKv: true,
    } as const;
    swap(p, 'onnx/decoder_model_merged.onnx', decoderGraph({ ...TINY, vocab: V }, variant));
    for (const s of p.manifest.sessions.decoder.inputs)
      if (s.name.startsWith('past')) s.shape = ['b', 'h', 'p', 'd'];
    const { stage, model } = await openCaptioner(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    await expect(stage.caption(loadPng('coffee.png'), 'owl')).rejects.toThrow(/numeric heads/);
    await model.dispose();
  });

  it('img2img: an SD-Turbo-like manifest over int64/scalar-timestep/latent_parameters/fp16 graphs runs, warned', async () => {
    const flavour = {
      ids: 'int64',
      timestep: 'float32-scalar',
      vae: 'latent_parameters',
      io: 'float16',
    } as const;
    const own = await diffusionFixture(flavour);
    const p = await diffusionFixture({ ids: 'int32', timestep: 'int64-steps', vae: 'latent_sample' });
    for (const [role, file] of Object.entries(p.manifest.variants.fp32))
      swap(p, file, own.files.get(own.manifest.variants.fp16[role])!);
    const card = { width: 64, height: 64, channels: 3 as const, data: new Uint8Array(64 * 64 * 3).fill(90) };
    const gen = async (pkg: FixturePackage) => {
      const o = await openImg2Img(pkg.manifest, { folder: folderOf(pkg), ep: 'wasm' });
      const r = await o.stage.generate(card, {
        prompt: 'a photo of a cat',
        steps: 4,
        strength: 0.5,
        seed: 5,
        guidance: 7.5,
      });
      await o.dispose();
      return { warnings: o.warnings, unetSteps: r.unetSteps, image: Array.from(r.image.data) };
    };
    const mine = await gen(own);
    const theirs = await gen(p);
    expect(mine.warnings).toEqual([]);
    expect(theirs.unetSteps).toBeGreaterThan(0);
    expect(theirs.image).toEqual(mine.image);
    const w = theirs.warnings.join('\n');
    expect(w).toContain(
      "textEncoder (text_encoder/model.onnx): input 'input_ids': the manifest says int32, the graph has int64",
    );
    expect(w).toContain(
      "unet (unet/model.onnx): input 'timestep': the manifest says int64, the graph has float16",
    );
    expect(w).toContain("input 'timestep': the manifest says rank 1 [steps], the graph has rank 0 []");
    expect(w).toContain(
      "vaeEncoder (vae_encoder/model.onnx): output: the manifest says 'latent_sample', the graph has 'latent_parameters'",
    );
    expect(w).toContain(
      "vaeDecoder (vae_decoder/model.onnx): input 'latent_sample': the manifest says float32, the graph has float16",
    );
  });

  it('img2img: a UNet graph without timestep and text states fails at open, listing the graph I/O', async () => {
    const p = await diffusionFixture();
    swap(p, 'unet/model.onnx', p.files.get('vae_decoder/model.onnx')!);
    const err = await openImg2Img(p.manifest, { folder: folderOf(p), ep: 'wasm' }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelSignatureError);
    expect(err.message).toContain("unet (unet/model.onnx)' cannot be used: no input for 'timestep'");
    expect(err.message).toContain("no input for 'encoder_hidden_states'");
    expect(err.message).toContain(
      'The graph has:\n  in  latent_sample: float32[batch_size, num_channels_latent',
    );
    expect(err.message).toContain("AutoGenDA looked for:\n  in  'sample' (float32|float16, rank 4)");
  });
});

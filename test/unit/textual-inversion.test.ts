/**
 * Textual inversion: embedding files (safetensors, JSON, pickles refused), the tokenizer gains the
 * token with the next id, and the edited text-encoder graph has the vector at that row — checked by
 * decoding the edited bytes with onnx-proto (an independent protobuf reader) and by running the graph.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  clipTokenizer,
  TOKEN_EMBEDDING,
  textEncoderGraph,
  tokenTable,
} from '../../models/fixtures/diffusion.ts';
import { vocabSize } from '../../models/fixtures/tokenizers.ts';
import { halfBitsToFloat } from '../../src/core/fp16.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';
import { OrtSession } from '../../src/ort/session.ts';
import type { TensorData } from '../../src/ort/types.ts';
import { readInitializer, replaceInitializer } from '../../src/stages/img2img/onnx-edit.ts';
import { expandPrompt, injectTextualInversion } from '../../src/stages/img2img/textual-inversion.ts';
import { parseEmbeddingFile } from '../../src/stages/img2img/ti-file.ts';

const { onnx } = onnxProto;
const D = 8;
const vec = (seed: number) => Float32Array.from({ length: D }, (_, k) => seed + k / 10);

/** A safetensors file written by hand from the format's spec (u64 header length, JSON, data). */
function safetensors(tensors: Record<string, { shape: number[]; data: Float32Array }>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let p = 8 + h.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer), p);
    p += t.data.byteLength;
  }
  return out;
}

function decodeInit(model: Uint8Array, name: string) {
  const m = onnx.ModelProto.decode(model);
  const t = m.graph!.initializer!.find((i) => i.name === name)!;
  return { dims: t.dims!.map(Number), type: t.dataType!, raw: t.rawData! };
}

describe('embedding files', () => {
  it('reads diffusers/DA-Fusion safetensors ([dim] and [n, dim]) and JSON', () => {
    const st = parseEmbeddingFile(
      safetensors({
        '<cat-toy>': { shape: [D], data: vec(1) },
        '<two>': { shape: [2, D], data: new Float32Array([...vec(2), ...vec(3)]) },
      }),
      'learned_embeds.safetensors',
    );
    expect(st.map((e) => [e.token, e.vectors.length])).toEqual([
      ['<cat-toy>', 1],
      ['<two>', 2],
    ]);
    expect(Array.from(st[1].vectors[1])).toEqual(Array.from(vec(3)));
    const js = parseEmbeddingFile(
      new TextEncoder().encode(JSON.stringify({ '<tabby>': Array.from(vec(4)) })),
      'x.json',
    );
    expect(Array.from(js[0].vectors[0])).toEqual(Array.from(vec(4)));
    const a1111 = parseEmbeddingFile(
      safetensors({ emb_params: { shape: [1, D], data: vec(5) } }),
      'a.safetensors',
      '<mine>',
    );
    expect(a1111[0].token).toBe('<mine>');
  });
  it('refuses pickles and unnamed embeddings with advice', () => {
    expect(() => parseEmbeddingFile(Uint8Array.of(0x50, 0x4b, 3, 4), 'learned_embeds.bin')).toThrow(
      /safetensors/,
    );
    expect(() =>
      parseEmbeddingFile(safetensors({ emb_params: { shape: [D], data: vec(1) } }), 'a.safetensors'),
    ).toThrow(/token name/);
  });
});

describe('injecting tokens', () => {
  const tok = clipTokenizer();
  const V = vocabSize(tok);
  const base = textEncoderGraph(V, 'int32');
  const embs = [
    { token: '<cat-toy>', vectors: [vec(1)] },
    { token: '<two>', vectors: [vec(2), vec(3)] },
  ];

  it('gives the tokens the next ids and writes the rows in the edited graph', () => {
    const r = injectTextualInversion(tok.json, base, embs);
    expect([...r.ids]).toEqual([
      ['<cat-toy>', V],
      ['<two>', V + 1],
      ['<two>_1', V + 2],
    ]);
    const t = new TextTokenizer(r.tokenizerJson, tok.config);
    expect(t.tokenId('<cat-toy>')).toBe(V);
    const ids = t.encode('a photo of a <cat-toy>');
    expect(ids).toContain(V);
    expect(ids.at(-1)).toBe(t.tokenId('<|endoftext|>'));

    const init = decodeInit(r.textEncoder, TOKEN_EMBEDDING);
    expect(init.dims).toEqual([V + 3, D]);
    const f = new Float32Array(new Uint8Array(init.raw).buffer);
    expect(Array.from(f.subarray(V * D, (V + 1) * D))).toEqual(Array.from(vec(1)));
    expect(Array.from(f.subarray((V + 2) * D, (V + 3) * D))).toEqual(Array.from(vec(3)));
    expect(Array.from(f.subarray(0, V * D))).toEqual(Array.from(tokenTable(V, D))); // old rows kept
  });

  it('the edited text encoder runs and emits the vector at the token position', async () => {
    const r = injectTextualInversion(tok.json, base, embs);
    const t = new TextTokenizer(r.tokenizerJson, tok.config);
    const prompt = expandPrompt('a photo of a <two>', r.vectors);
    expect(prompt).toBe('a photo of a <two> <two>_1');
    const enc = t.encodeBatch([prompt], { maxLength: 77, padding: 'max_length' });
    const ids = Int32Array.from(enc.inputIds.data, Number);
    const s = await OrtSession.create(r.textEncoder, { name: 'text encoder', ep: 'wasm' });
    const out = (await s.run({ input_ids: { type: 'int32', data: ids, dims: [1, 77] } }))
      .last_hidden_state as TensorData;
    const h = out.data as Float32Array;
    const at = Array.from(ids).indexOf(V + 2);
    expect(at).toBeGreaterThan(0);
    for (const [k, v] of Array.from(vec(3)).entries()) expect(h[at * D + k]).toBeCloseTo(v, 6);
    await s.dispose();
  });

  it('refuses a token already in the vocabulary and a vector of the wrong width', () => {
    expect(() =>
      injectTextualInversion(tok.json, base, [{ token: '<|endoftext|>', vectors: [vec(1)] }]),
    ).toThrow(/already/);
    expect(() =>
      injectTextualInversion(tok.json, base, [{ token: '<x>', vectors: [new Float32Array(3)] }]),
    ).toThrow(/wrong base model/);
    expect(() => injectTextualInversion(tok.json, base, embs, 'no.such.weight')).toThrow(/no initializer/);
  });

  it('float16 initializers round-trip as halves (fp16 exports)', () => {
    const m = readInitializer(base, TOKEN_EMBEDDING);
    const half = replaceInitializer(base, TOKEN_EMBEDDING, { ...m, dtype: 'float16' });
    const d = decodeInit(half, TOKEN_EMBEDDING);
    expect(d.type).toBe(onnx.TensorProto.DataType.FLOAT16);
    const h = new Uint16Array(new Uint8Array(d.raw).buffer);
    expect(halfBitsToFloat(h[D + 1])).toBeCloseTo(m.data[D + 1], 3);
    const back = readInitializer(half, TOKEN_EMBEDDING);
    expect([back.rows, back.cols, back.dtype]).toEqual([V, D, 'float16']);
    // every other part of the model survives the splice
    expect(onnx.ModelProto.decode(half).graph!.node!.length).toBe(
      onnx.ModelProto.decode(base).graph!.node!.length,
    );
  });
});

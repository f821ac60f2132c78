/**
 * The img2img stage opened from a manifest (fixture package, local folder, ORT wasm): sessions
 * checked against the manifest, textual-inversion tokens injected before the text encoder's session
 * is made, and the GPU pre-flight check for fp16 models.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { TOKEN_EMBEDDING } from '../../models/fixtures/diffusion.ts';
import { diffusionFixture, folderOf } from '../../models/fixtures/index.ts';
import { FeatureMissingError, LimitTooLowError, ModelSignatureError } from '../../src/core/errors.ts';
import type { Feed, RunOptions } from '../../src/ort/session.ts';
import type { TensorData } from '../../src/ort/types.ts';
import { checkAdapterFor } from '../../src/stages/img2img/gpu-check.ts';
import { openImg2Img } from '../../src/stages/img2img/open.ts';
import { expandPrompt } from '../../src/stages/img2img/textual-inversion.ts';

const { onnx } = onnxProto;
const card = () => ({
  width: 64,
  height: 64,
  channels: 3 as const,
  data: new Uint8Array(64 * 64 * 3).fill(90),
});

describe('openImg2Img', () => {
  it('opens every exporter flavour from its manifest and generates deterministically', async () => {
    for (const v of [{}, { ids: 'int64', timestep: 'float32-scalar', vae: 'latent_parameters' }] as const) {
      const pkg = await diffusionFixture(v);
      const o = await openImg2Img(pkg.manifest, { folder: folderOf(pkg), ep: 'wasm' });
      expect([o.ep, o.variant]).toEqual(['wasm', 'fp32']);
      const a = await o.stage.generate(card(), { prompt: 'a photo of a cat', steps: 6, seed: 3 });
      const b = await o.stage.generate(card(), { prompt: 'a photo of a cat', steps: 6, seed: 3 });
      expect(a.unetSteps).toBe(4); // PNDM, 6 steps, strength 0.5: 7 entries, the last 4
      expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
      // the manifest's default step count (10) when the call names none
      const d = await o.stage.generate(card(), { prompt: 'a photo of a cat', seed: 3 });
      expect(d.unetSteps).toBe(6);
      await o.dispose();
    }
  });

  it('injects textual-inversion tokens: the prompt reaches the text encoder with the new id', async () => {
    const pkg = await diffusionFixture();
    const vec = Float32Array.from({ length: 8 }, (_, k) => 2 + k);
    const o = await openImg2Img(pkg.manifest, {
      folder: folderOf(pkg),
      ep: 'wasm',
      embeddings: [{ token: '<tabby_cat>', vectors: [vec] }],
    });
    const te = o.stage.models.textEncoder;
    const seen: TensorData[] = [];
    const run = te.run.bind(te);
    te.run = (f: Record<string, Feed>, r?: RunOptions) => {
      seen.push(f.input_ids as TensorData);
      return run(f, r);
    };
    const prompt = expandPrompt('a photo of a <tabby_cat>', o.tiVectors);
    await o.stage.generate(card(), { prompt, steps: 2, seed: 1, guidance: 1 });
    const id = o.stage.models.tokenizer.tokenId('<tabby_cat>')!;
    expect(Array.from(seen[0].data as Int32Array)).toContain(id);
    const out = await te.run({ input_ids: seen[0] });
    const h = out.last_hidden_state as TensorData | { read(): Promise<TensorData> };
    const data = ('read' in h ? await h.read() : h).data as Float32Array;
    const at = Array.from(seen[0].data as Int32Array).indexOf(id);
    expect(Array.from(data.subarray(at * 8, at * 8 + 8))).toEqual(Array.from(vec));
    await o.dispose();
  });

  it('float16 I/O exports (diffusers --fp16): same image as fp32 within fp16 rounding; mixed dtypes too', async () => {
    const gen = async (pkg: Awaited<ReturnType<typeof diffusionFixture>>) => {
      const o = await openImg2Img(pkg.manifest, { folder: folderOf(pkg), ep: 'wasm' });
      const r = await o.stage.generate(card(), {
        prompt: 'a photo of a cat',
        steps: 6,
        seed: 3,
        schedulerKind: 'ddim',
      });
      await o.dispose();
      return [o.variant, Array.from(r.image.data)] as const;
    };
    const v = { timestep: 'float32-batch' } as const;
    const [, full] = await gen(await diffusionFixture(v));
    const fp16 = await diffusionFixture({ ...v, io: 'float16' });
    const [variant, half] = await gen(fp16);
    expect(variant).toBe('fp16');
    const worst = Math.max(...half.map((x, i) => Math.abs(x - full[i])));
    expect(worst).toBeGreaterThan(0); // it really ran in float16
    expect(worst).toBeLessThanOrEqual(3);
    // fp32 text encoder beside a float16 UNet: the kept text states are converted, not fed raw
    const fp32 = await diffusionFixture(v);
    fp16.files.set('text_encoder/model.onnx', fp32.files.get('text_encoder/model.onnx')!);
    delete fp16.manifest.files['text_encoder/model.onnx'].sha256;
    delete fp16.manifest.files['text_encoder/model.onnx'].size;
    const [, mixed] = await gen(fp16);
    expect(Math.max(...mixed.map((x, i) => Math.abs(x - full[i])))).toBeLessThanOrEqual(3);
  });

  it('loads a graph whose weights are external data; TI on such a graph says to merge it first', async () => {
    const pkg = await diffusionFixture();
    const path = 'text_encoder/model.onnx';
    const m = onnx.ModelProto.decode(pkg.files.get(path)!);
    const t = m.graph!.initializer!.find((i) => i.name === TOKEN_EMBEDDING)!;
    const raw = new Uint8Array(t.rawData!);
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      { key: 'location', value: 'model.onnx_data' },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(raw.length) },
    ];
    pkg.files.set(path, onnx.ModelProto.encode(m).finish());
    pkg.files.set('text_encoder/model.onnx_data', raw);
    pkg.manifest.files[path] = { externalData: ['text_encoder/model.onnx_data'] };
    pkg.manifest.files['text_encoder/model.onnx_data'] = {};
    const o = await openImg2Img(pkg.manifest, { folder: folderOf(pkg), ep: 'wasm' });
    expect((await o.stage.generate(card(), { prompt: 'cat', steps: 2, seed: 1 })).unetSteps).toBe(2);
    await o.dispose();
    await expect(
      openImg2Img(pkg.manifest, {
        folder: folderOf(pkg),
        ep: 'wasm',
        embeddings: [{ token: '<x>', vectors: [new Float32Array(8)] }],
      }),
    ).rejects.toThrow(/external data; merge it/);
  });

  it('a graph from another export than the manifest says: binds to the graph, warns, generates', async () => {
    const pkg = await diffusionFixture();
    const other = await diffusionFixture({ timestep: 'float32-scalar' });
    pkg.files.set('unet/model.onnx', other.files.get('unet/model.onnx')!);
    delete pkg.manifest.files['unet/model.onnx'].sha256;
    delete pkg.manifest.files['unet/model.onnx'].size;
    const o = await openImg2Img(pkg.manifest, { folder: folderOf(pkg), ep: 'wasm' });
    expect(o.warnings).toEqual([
      `${pkg.manifest.id} unet (unet/model.onnx): input 'timestep': the manifest says int64, the graph has float32`,
      `${pkg.manifest.id} unet (unet/model.onnx): input 'timestep': the manifest says rank 1 [steps], the graph has rank 0 []`,
    ]);
    const r = await o.stage.generate(card(), { prompt: 'cat', steps: 2, seed: 1 });
    expect(r.unetSteps).toBeGreaterThan(0);
    await o.dispose();
    // a graph that is not a UNet at all is still refused by name
    pkg.files.set('unet/model.onnx', other.files.get('vae_decoder/model.onnx')!);
    await expect(openImg2Img(pkg.manifest, { folder: folderOf(pkg), ep: 'wasm' })).rejects.toThrow(
      ModelSignatureError,
    );
  });
});

describe('GPU pre-flight for fp16 models', () => {
  const adapter = (f16: boolean, max = 2 ** 30) => ({
    features: new Set(f16 ? ['shader-f16'] : []),
    limits: { maxBufferSize: max, maxStorageBufferBindingSize: max / 2 },
  });
  it('names the missing feature or limit', () => {
    expect(() => checkAdapterFor(adapter(false), { fp16: true }, 'sd')).toThrow(FeatureMissingError);
    expect(() => checkAdapterFor(adapter(false), { fp16: true }, 'sd')).toThrow(/shader-f16/);
    expect(() => checkAdapterFor(adapter(true), { fp16: true, largestBuffer: 2 ** 29 + 1 }, 'sd')).toThrow(
      /maxStorageBufferBindingSize is 536870912, but 536870913/,
    );
    expect(() => checkAdapterFor(adapter(true), { fp16: true, largestBuffer: 2 ** 31 }, 'sd')).toThrow(
      LimitTooLowError,
    );
    expect(() => checkAdapterFor(adapter(false), { fp16: false, largestBuffer: 1000 }, 'sd')).not.toThrow();
  });
});

/**
 * The preflight (src/models/preflight.ts) on the real bundled SD v1.5 fp16 manifest and fixture
 * manifests: refusals name sizes and limits, WebGPU-only models never fall back to wasm, and the
 * low-memory session options reach a real ONNX Runtime wasm session. Adapter limits are plain data.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffusionFixture } from '../../models/fixtures/index.ts';
import { ExecutionProviderError, FeatureMissingError, LimitTooLowError } from '../../src/core/errors.ts';
import type { FolderSource } from '../../src/models/fetch.ts';
import { type ModelManifest, parseManifest } from '../../src/models/manifest.ts';
import { type AdapterLike, assertFits, checkFit, WASM_HEAP_BYTES } from '../../src/models/preflight.ts';
import { makeRegistry } from '../../src/models/registry.ts';
import { MemoryStore } from '../../src/models/store.ts';
import { OrtSession, sessionOptions } from '../../src/ort/session.ts';
import { createModelsApi } from '../../src/pipeline/app/models-api.ts';
import { openImg2Img } from '../../src/stages/img2img/open.ts';

const sd15 = parseManifest(
  JSON.parse(readFileSync(new URL('../../models/sd-v1-5.json', import.meta.url), 'utf8')),
  'sd-v1-5.json',
);
const GiB = 2 ** 30;
const adapter = (
  f16: boolean,
  maxBufferSize = 4 * GiB,
  maxStorageBufferBindingSize = 2 * GiB,
): AdapterLike => ({
  features: { has: (n) => f16 && n === 'shader-f16' },
  limits: { maxBufferSize, maxStorageBufferBindingSize },
});

describe('preflight: refusals with sizes and limits, before any download', () => {
  it('fits SD v1.5 fp16 on a WebGPU adapter with shader-f16, listing what it could not check', () => {
    const r = checkFit(sd15, { adapter: adapter(true), wasm: true });
    expect([r.ep, r.variant, r.problems]).toEqual(['webgpu', 'fp16', []]);
    expect(r.unchecked.join()).toMatch(/largest weight buffer unknown/);
  });

  it('refuses fp16 weights without shader-f16, and says the model never runs on wasm', () => {
    const run = () => assertFits(sd15, { adapter: adapter(false), wasm: true });
    expect(run).toThrow(FeatureMissingError);
    expect(run).toThrow(
      /'shader-f16'.*sd-v1-5.*Also: sd-v1-5 runs on WebGPU only \(.*wasm heap.*\), never on the wasm/,
    );
  });

  it('a WebGPU-only model without WebGPU is refused, never tried on wasm', () => {
    const r = checkFit(sd15, { noWebgpu: 'Node.js', wasm: true });
    expect(r.problems.map((p) => p.ep)).toEqual(['webgpu', 'wasm']);
    expect(() => assertFits(sd15, { noWebgpu: 'Node.js', wasm: true })).toThrow(ExecutionProviderError);
    expect(() => assertFits(sd15, { noWebgpu: 'Node.js', wasm: true })).toThrow(
      /WebGPU is not available \(Node\.js\)/,
    );
  });

  it('a graph with its external data over the 4 GiB wasm32 heap is refused with both numbers', () => {
    const big = structuredClone(sd15) as ModelManifest & { webgpuOnly?: string };
    delete big.webgpuOnly;
    big.files['unet/weights.pb'].size = 5 * GiB; // what an fp32 UNet beyond the heap would be
    const r = checkFit(big, { noWebgpu: 'none', wasm: true });
    const heap = r.problems.find((p) => p.ep === 'wasm')!;
    expect(heap.message).toMatch(
      /unet \(unet\/model\.onnx with its external data\) is 5\.00 GiB, more than .* 4\.00 GiB wasm32 heap/,
    );
    expect(WASM_HEAP_BYTES).toBe(4 * GiB);
    // the same graph is refused on WebGPU too: ORT loads it into the same heap first
    expect(checkFit(big, { adapter: adapter(true), wasm: false }).problems[0].message).toMatch(/5\.00 GiB/);
  });

  it('the largest weight over maxBufferSize / maxStorageBufferBindingSize names the limit and the bytes', () => {
    const m = structuredClone(sd15);
    m.img2img!.largestBuffer = 200 * 2 ** 20;
    const run = () => assertFits(m, { adapter: adapter(true, 256 * 2 ** 20, 128 * 2 ** 20), wasm: false });
    expect(run).toThrow(LimitTooLowError);
    expect(run).toThrow(/maxStorageBufferBindingSize is 134217728, but 209715200 is needed/);
    expect(checkFit(m, { adapter: adapter(true), wasm: false }).problems).toEqual([]);
  });
});

describe('openers and the Models screen call the preflight first', () => {
  it('openImg2Img refuses a WebGPU-only model in Node (no WebGPU) before reading a single file', async () => {
    const p = await diffusionFixture({ io: 'float16' });
    const m = { ...p.manifest, webgpuOnly: 'test: fp16 fusion ops' };
    let reads = 0;
    const folder: FolderSource = {
      read: async (path) => {
        reads++;
        return p.files.get(path);
      },
    };
    await expect(openImg2Img(m, { folder })).rejects.toThrow(
      /WebGPU is not available.*runs on WebGPU only \(test: fp16 fusion ops\)/,
    );
    await expect(openImg2Img(m, { folder, ep: 'wasm' })).rejects.toThrow(ExecutionProviderError);
    expect(reads).toBe(0);
  });

  it('the same fixture without the flag still opens on wasm, with the low-memory options', async () => {
    const p = await diffusionFixture({ io: 'float16' });
    const opened = await openImg2Img(p.manifest, { folder: { read: async (path) => p.files.get(path) } });
    expect(opened.ep).toBe('wasm');
    await opened.dispose();
  });

  it('the Models API refuses to download what cannot run here, and fetches nothing', async () => {
    const store = new MemoryStore();
    const api = createModelsApi(store, makeRegistry({ 'sd-v1-5.json': sd15 }), async () => ({
      adapter: adapter(false),
      wasm: true,
    }));
    await expect(api.download('sd-v1-5', 'http://127.0.0.1:9/none', () => {})).rejects.toThrow(
      FeatureMissingError,
    );
    expect(
      Object.values(await api.inspect())
        .flat()
        .every((f) => f.held === 0 && !f.complete),
    ).toBe(true);
  });
});

describe('low-memory session options (the ORT js/sd-turbo demo set)', () => {
  it('become ORT session options and config entries, a fresh copy per session', () => {
    const o = sessionOptions('wasm', { name: 't', lowMemory: true });
    expect(o).toMatchObject({
      enableMemPattern: false,
      enableCpuMemArena: false,
      extra: {
        session: {
          use_ort_model_bytes_directly: '1',
          use_ort_model_bytes_for_initializers: '1',
          use_device_allocator_for_initializers: '1',
          disable_prepacking: '1',
        },
      },
    });
    expect(sessionOptions('wasm', { name: 't', lowMemory: true }).extra).not.toBe(o.extra);
    expect(sessionOptions('wasm', { name: 't' }).extra).toBeUndefined();
  });

  it('a real wasm session created with them computes what one without them does', async () => {
    const p = await diffusionFixture();
    const graph = p.files.get('vae_decoder/model.onnx')!;
    const latent = {
      type: 'float32' as const,
      data: Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => Math.sin(i)),
      dims: [1, 4, 2, 2],
    };
    const out: Float32Array[] = [];
    for (const lowMemory of [false, true]) {
      const s = await OrtSession.create(graph, { name: `vae ${lowMemory}`, ep: 'wasm', lowMemory });
      const r = await s.run({ [s.inputs[0].name]: latent });
      out.push((Object.values(r)[0] as { data: Float32Array }).data);
      await s.dispose();
    }
    expect(out[1].length).toBe(3 * 16 * 16);
    expect(Array.from(out[1])).toEqual(Array.from(out[0]));
  });
});

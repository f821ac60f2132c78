/**
 * img2img end to end in Chromium through workers/diffusion.worker.ts, on ORT's WebGPU EP
 * (SwiftShader here) and on wasm, for two exporter flavours, with a textual-inversion token:
 * deterministic per seed, strength 0 / 1 step counts, and the same image as the stage run in Node.
 * Random-weight fixtures: plumbing, not image quality.
 */
import type { BrowserContext } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffusionFixture, type FixturePackage, folderOf } from '../../models/fixtures/index.ts';
import { openImg2Img } from '../../src/stages/img2img/open.ts';
import { expandPrompt } from '../../src/stages/img2img/textual-inversion.ts';
import { parseEmbeddingFile } from '../../src/stages/img2img/ti-file.ts';
import { FileServer } from '../support/http-server.ts';
import { devServer, harnessResult, launch } from './browser.ts';

const VITE_PORT = 4530;
const FILES_PORT = 4531;
type Got = {
  info: { ep: string; fallbackReason?: string; tokens: string[] };
  a: number[];
  same: boolean;
  size: number[];
  steps: number[];
  first: number[];
  unetMs: number[];
  batchWorst: number;
  seconds: number;
};

let vite: ViteDevServer;
let ctx: BrowserContext;
const files = new FileServer(FILES_PORT);
let pkgs: Record<string, FixturePackage>;
let got: Record<'webgpu' | 'wasm', Record<string, Got>> & {
  hasF16: boolean;
  fp16Webgpu: string;
  cancelled: string;
};
const node: Record<string, number[]> = {};
const TI = new TextEncoder().encode(JSON.stringify({ '<tabby>': [0.5, -1, 1.5, -2, 2.5, -3, 3.5, -4] }));

function card() {
  const width = 40;
  const height = 48;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x * 6, y * 5, (x * y) % 256], (y * width + x) * 3);
  return { width, height, channels: 3 as const, data };
}

beforeAll(async () => {
  pkgs = {
    optimumOld: await diffusionFixture(),
    optimumNew: await diffusionFixture({
      ids: 'int64',
      timestep: 'float32-scalar',
      vae: 'latent_parameters',
    }),
  };
  for (const p of Object.values(pkgs)) {
    for (const [path, bytes] of p.files) files.files.set(`/${p.manifest.id}/${path}`, bytes);
  }
  const index = Object.fromEntries(Object.entries(pkgs).map(([k, p]) => [k, p.manifest]));
  files.files.set('/index.json', new TextEncoder().encode(JSON.stringify(index)));
  files.files.set('/ti.json', TI);
  const fp16 = await diffusionFixture({ io: 'float16' });
  for (const [path, bytes] of fp16.files) files.files.set(`/${fp16.manifest.id}/${path}`, bytes);
  files.files.set('/fp16.json', new TextEncoder().encode(JSON.stringify(fp16.manifest)));
  await files.start();

  for (const [key, p] of Object.entries(pkgs)) {
    const o = await openImg2Img(p.manifest, {
      folder: folderOf(p),
      ep: 'wasm',
      embeddings: parseEmbeddingFile(TI, 'ti.json'),
    });
    const prompt = expandPrompt('a photo of a <tabby>', o.tiVectors);
    const r = await o.stage.generate(card(), { prompt, negativePrompt: 'dog', steps: 10, seed: 7 });
    node[key] = Array.from(r.image.data);
    await o.dispose();
  }

  vite = await devServer(VITE_PORT);
  ctx = await launch();
  const page = await ctx.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto(`http://localhost:${VITE_PORT}/test/e2e/diffusion-harness.html?models=${files.url}`);
  const value = await harnessResult<typeof got>(page, '__diffusion', '__diffusionError', 280_000);
  got = value;
  for (const ep of ['webgpu', 'wasm'] as const) {
    for (const [k, g] of Object.entries(got[ep] as Record<string, Got>)) {
      const ms = g.unetMs.reduce((a, b) => a + b, 0) / g.unetMs.length;
      console.log(
        `[e2e/diffusion] ${ep} ${k}: ${g.seconds.toFixed(2)} s for 4 generations, ${ms.toFixed(1)} ms/UNet step`,
      );
    }
  }
}, 400_000);

afterAll(async () => {
  await ctx?.close();
  await vite?.close();
  await files.stop();
});

describe('img2img in a Chromium worker', () => {
  it('refuses an fp16 export on WebGPU without shader-f16, naming it; cancel() stops a generation', () => {
    if (got.hasF16) expect(got.fp16Webgpu).toBe('loaded');
    else expect(got.fp16Webgpu).toMatch(/^FeatureMissingError: .*'shader-f16'/);
    expect(got.cancelled).toBe('CancelledError');
  });

  for (const ep of ['webgpu', 'wasm'] as const) {
    for (const key of ['optimumOld', 'optimumNew']) {
      it(`${ep}, ${key}: runs there, deterministic per seed, strength 0/1 step counts, TI token loaded`, () => {
        const g = got[ep][key];
        expect(g.info.ep, g.info.fallbackReason).toBe(ep);
        expect(g.info.tokens).toEqual(['<tabby>']);
        expect(g.same).toBe(true);
        expect(g.size).toEqual([40, 48]);
        expect(g.steps).toEqual([6, 0, 11]); // PNDM 10 steps: 11 entries; strength 0.5 keeps the last 6
        expect(g.first).toEqual([501, 901]);
        expect(g.batchWorst).toBeLessThanOrEqual(1); // batched with another job: the same image
      });
      it(`${ep}, ${key}: the same image as the stage in Node`, () => {
        const a = got[ep][key].a;
        const n = node[key];
        expect(a.length).toBe(n.length);
        const worst = Math.max(...a.map((v, i) => Math.abs(v - n[i])));
        expect(worst).toBeLessThanOrEqual(ep === 'wasm' ? 0 : 2);
      });
    }
  }
});

/**
 * Each model stage end to end in Chromium, through its worker, on ORT's WebGPU EP (SwiftShader here)
 * and on wasm: downloads from a local server into OPFS (progress, then zero requests from the cache),
 * preprocessing on the browser-decoded photo against Pillow, and outputs against the same stages run
 * in Node.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backboneFixture,
  embedderFixture,
  type FixturePackage,
  folderOf,
  smolVlmFixture,
  vitGpt2Fixture,
} from '../../models/fixtures/index.ts';
import type { DownloadProgress } from '../../src/core/progress.ts';
import { filesFor } from '../../src/models/manifest.ts';
import type { CaptionResult } from '../../src/stages/captioner/captioner.ts';
import { openBackbone, openCaptioner } from '../../src/stages/open-stage.ts';
import type { LoadInfo } from '../../src/stages/worker-api.ts';
import { FileServer } from '../support/http-server.ts';
import { loadPng, skimagePath } from '../support/skimage.ts';
import { PIL_GOLDEN } from '../support/skimage-golden.ts';
import { devServer, harnessResult, launch } from './browser.ts';

const VITE_PORT = 4521;
const FILES_PORT = 4522;
type Load = { info: LoadInfo; progress: DownloadProgress[] };
type EpResult = Record<string, unknown> & { seconds: number };

let vite: ViteDevServer;
let ctx: BrowserContext;
const files = new FileServer(FILES_PORT);
let pkgs: Record<string, FixturePackage>;
let got: { cropSha256: string; webgpu: EpResult; wasm: EpResult };
const node: Record<string, unknown> = {};

beforeAll(async () => {
  pkgs = {
    embedder: await embedderFixture(),
    backboneHf: await backboneFixture('hf'),
    backboneTv: await backboneFixture('torchvision'),
    vitGpt2: await vitGpt2Fixture(),
    smolVlm: await smolVlmFixture(),
  };
  for (const p of Object.values(pkgs)) {
    for (const [path, bytes] of p.files) files.files.set(`/${p.manifest.id}/${path}`, bytes);
  }
  const index = Object.fromEntries(Object.entries(pkgs).map(([k, p]) => [k, p.manifest]));
  files.files.set('/index.json', new TextEncoder().encode(JSON.stringify(index)));
  files.files.set('/photos/coffee.png', readFileSync(skimagePath('coffee.png')));
  await files.start();

  // The same stages in Node (ORT wasm) on the same photo: the reference for the browser's outputs.
  const coffee = loadPng('coffee.png');
  for (const key of ['backboneHf', 'backboneTv']) {
    const b = await openBackbone(pkgs[key].manifest, { folder: folderOf(pkgs[key]), ep: 'wasm' });
    node[key] = Array.from(await b.stage.features([coffee]));
    await b.model.dispose();
  }
  for (const key of ['vitGpt2', 'smolVlm']) {
    const c = await openCaptioner(pkgs[key].manifest, { folder: folderOf(pkgs[key]), ep: 'wasm' });
    node[`${key}Greedy`] = await c.stage.caption(coffee, 'cat', { maxNewTokens: 6 });
    node[`${key}Beam`] = await c.stage.caption(coffee, 'sea lion', { numBeams: 3, maxNewTokens: 4 });
    await c.model.dispose();
  }

  vite = await devServer(VITE_PORT);
  ctx = await launch();
  const page = await ctx.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log(`[page] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  await page.goto(`http://localhost:${VITE_PORT}/test/e2e/stages-harness.html?models=${files.url}`);
  const value = await harnessResult<typeof got>(page, '__stages', '__stagesError', 280_000);
  got = value;
  console.log(
    `[e2e/stages] webgpu pass ${got.webgpu.seconds.toFixed(1)} s, wasm pass ${got.wasm.seconds.toFixed(1)} s`,
  );
}, 400_000);

afterAll(async () => {
  await ctx?.close();
  await vite?.close();
  await files.stop();
});

const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

describe('model stages in Chromium workers', () => {
  it('decodes and preprocesses the real photo in the browser exactly as Pillow does', () => {
    expect(got.cropSha256).toBe(PIL_GOLDEN.bicubic[0].crop_sha256);
  });

  it('downloads each model once with monotonic progress ending at its total, then serves it from OPFS', () => {
    const loads = (r: EpResult) => Object.entries(r).filter(([k]) => k.endsWith('Load')) as [string, Load][];
    let first = 0;
    for (const [key, l] of loads(got.webgpu)) {
      if (key.endsWith('EosLoad')) continue; // another variant: its decoder file is new
      const p = pkgs[key.replace(/Load$/, '')];
      const total = filesFor(p.manifest, l.info.variant).reduce((n, f) => n + p.files.get(f)!.length, 0);
      const pr = l.progress;
      for (let i = 1; i < pr.length; i++) expect(pr[i].loaded).toBeGreaterThanOrEqual(pr[i - 1].loaded);
      expect(pr.at(-1)).toMatchObject({ loaded: total, total });
      expect(l.info.requests, key).toBeGreaterThan(0);
      first += l.info.requests;
    }
    for (const [key, l] of loads(got.wasm)) expect(l.info.requests, `${key} on the second pass`).toBe(0);
    expect((got.webgpu.reload as Load).info.requests).toBe(0);
    const modelRequests = files.log.filter(
      (r) => !r.path.startsWith('/photos') && r.path !== '/index.json' && r.query !== '?copy', // ?copy: the folder test's set-up
    );
    const eosFiles = 2; // the two 'eos-now' decoder files, fetched once on the first pass
    // Whole-file requests only: under heavy load a stalled response may be resumed with a Range request,
    // which is the downloader doing its job, not a second download.
    const whole = modelRequests.filter((r) => !r.range);
    const log = modelRequests.map((r) => `${r.path}${r.query} ${r.range ?? ''} ${r.status}`).join('\n');
    expect(whole.length, `model requests:\n${log}`).toBe(first + eosFiles);
    expect(new Set(whole.map((r) => r.path)).size, `a file was downloaded twice:\n${log}`).toBe(whole.length);
  });

  it('loads a model from a local folder (directory handle) in place, with no download', () => {
    const g = got as unknown as { folderLoad: LoadInfo; folderEmbed: number[]; wasm: EpResult };
    expect(g.folderLoad.requests).toBe(0);
    expect(g.folderLoad.sha256['onnx/model.onnx']).toBe(
      pkgs.embedder.manifest.files['onnx/model.onnx'].sha256,
    );
    expect(g.folderEmbed).toEqual(g.wasm.embed);
  });

  for (const ep of ['webgpu', 'wasm'] as const) {
    describe(ep, () => {
      const r = () => got[ep];
      it(`runs on ${ep} (no silent fallback)`, () => {
        const info = (r().embedderLoad as Load).info;
        expect(info.ep, info.fallbackReason).toBe(ep);
      });

      it('embedder worker: the hand-computed unit vectors', () => {
        const want = [...unit([1.5, -1.5, -1.25 / 3, 2]), ...unit([0.75, -0.5, 0, -0.5])];
        expect(maxDiff(r().embed as number[], want)).toBeLessThan(1e-5);
      });

      it('backbone worker: 2048-d features equal Node’s for both export layouts', () => {
        for (const key of ['backboneHf', 'backboneTv']) {
          const f = r()[key] as number[];
          expect(f.length).toBe(2048);
          expect(maxDiff(f, node[key] as number[])).toBeLessThan(ep === 'wasm' ? 1e-5 : 1e-3);
        }
      });

      for (const key of ['vitGpt2', 'smolVlm']) {
        it(`captioner worker (${key}): prefix forced, KV cache grows, same tokens as Node, EOS stops`, () => {
          const g = r()[`${key}Greedy`] as CaptionResult;
          const n = node[`${key}Greedy`] as CaptionResult;
          expect(g.text.startsWith('a photo of a cat which')).toBe(true);
          const P = g.pastLengths[1];
          expect(g.pastLengths).toEqual([0, P, P + 1, P + 2, P + 3, P + 4].slice(0, g.pastLengths.length));
          expect(g.generated).toEqual(n.generated);
          expect((r()[`${key}Beam`] as CaptionResult).generated).toEqual(
            (node[`${key}Beam`] as CaptionResult).generated,
          );
          expect((r()[`${key}Eos`] as CaptionResult).text).toBe('a photo of an owl which');
        });
      }
    });
  }
});

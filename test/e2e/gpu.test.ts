/** The shared GPU cases, run once more on Chromium's WebGPU (SwiftShader here) through a Vite dev server. */

import type { BrowserContext } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allGpuCases } from '../gpu/cases/index.ts';
import { devServer, harnessResult, launch } from './browser.ts';
import type { CaseResult } from './gpu-harness.ts';

const PORT = 4518;
let server: ViteDevServer;
let ctx: BrowserContext;
let results: CaseResult[] = [];

beforeAll(async () => {
  server = await devServer(PORT);
  ctx = await launch();
  const page = await ctx.newPage();
  await page.goto(`http://localhost:${PORT}/test/e2e/gpu-harness.html`);
  const value = await harnessResult<{ adapter: string; results: CaseResult[] }>(
    page,
    '__gpuResults',
    '__gpuError',
    240_000,
  );
  console.log(`[e2e/gpu] Chromium adapter: ${value.adapter}`);
  results = value.results;
}, 300_000);

afterAll(async () => {
  await ctx?.close();
  await server?.close();
});

describe('GPU cases in Chromium', () => {
  for (const c of allGpuCases) {
    it(c.name, () => {
      const r = results.find((x) => x.name === c.name);
      expect(r, 'case did not run').toBeDefined();
      if (!r!.ok) throw new Error(r!.error);
      for (const line of r!.log) console.log(`  ${line}`);
    });
  }
});

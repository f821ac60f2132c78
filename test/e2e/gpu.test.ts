/** The shared GPU cases, run once more on Chromium's WebGPU (SwiftShader here) through a Vite dev server. */

import type { BrowserContext } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allGpuCases } from '../gpu/cases/index.ts';
import { launch } from './browser.ts';
import type { CaseResult } from './gpu-harness.ts';

const PORT = 4518;
let server: ViteDevServer;
let ctx: BrowserContext;
let results: CaseResult[] = [];

beforeAll(async () => {
  server = await createServer({ server: { port: PORT, strictPort: true }, logLevel: 'error' });
  await server.listen();
  ctx = await launch();
  const page = await ctx.newPage();
  await page.goto(`http://localhost:${PORT}/test/e2e/gpu-harness.html`);
  const out = await page.waitForFunction(
    () => {
      const w = window as unknown as { __gpuResults?: unknown; __gpuError?: string };
      return w.__gpuError ? { error: w.__gpuError } : w.__gpuResults;
    },
    undefined,
    { timeout: 240_000, polling: 500 },
  );
  const value = (await out.jsonValue()) as { error?: string; adapter: string; results: CaseResult[] };
  if (value.error) throw new Error(`GPU harness failed in Chromium: ${value.error}`);
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

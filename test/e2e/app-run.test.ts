/**
 * "Run the demo" in the served app (build + `vite preview`, COOP/COEP), in headless Chromium with
 * SwiftShader WebGPU: the whole pipeline runs in the pipeline worker on in-memory fixture models and
 * the procedural demo dataset, the page shows progress, the plumbing-check label, the policy bars and
 * the metrics, and the downloaded zip holds the augmented dataset's metadata and the policy.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopApp, watchErrors } from './app-server.ts';
import { launch, SCREENSHOTS } from './browser.ts';

const PORT = 4519;
const URL = `http://localhost:${PORT}/`;
let server: ChildProcess | undefined;
let ctx: BrowserContext | undefined;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startApp(PORT);
  ctx = await launch();
}, 300_000);

afterAll(async () => {
  await ctx?.close();
  stopApp(server);
});

describe('run the demo', () => {
  // Runs first: the finished items it leaves in IndexedDB are reused by the full run below.
  it('cancels a run at the next item and can start again', async () => {
    const page = await ctx!.newPage();
    const errors = watchErrors(page);
    await page.goto(URL);
    const run = page.getByRole('button', { name: 'Run the demo' });
    await run.click();
    await expect(run.isDisabled()).resolves.toBe(true);
    await page
      .locator('[data-stage="caption"] .stage-count')
      .getByText(/\d+ \/ \d+/)
      .waitFor({
        timeout: 120_000,
      });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText(/^Cancelled\./).waitFor({ timeout: 60_000 });
    await expect(run.isEnabled()).resolves.toBe(true);
    await expect(page.getByTestId('run-results').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-cancelled.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('runs the pipeline in a worker and shows the policy, the metrics and a downloadable zip', async () => {
    const page = await ctx!.newPage();
    const errors = watchErrors(page);
    page.on('console', (m) => {
      if (m.type() === 'error') console.log(`[e2e/app-run] console: ${m.text()}`);
    });
    await page.goto(URL);
    const label = page.getByTestId('plumbing-label');
    await expect(label.textContent()).resolves.toMatch(/PLUMBING CHECK/);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-idle.png'), fullPage: true });

    await page.getByRole('button', { name: 'Run the demo' }).click();
    await page.getByTestId('run-progress').waitFor();
    // The main thread stays responsive while the worker computes.
    await expect(page.evaluate(() => 1 + 1)).resolves.toBe(2);
    await page
      .locator('[data-stage="caption"] .stage-count')
      .getByText(/\d+ \/ \d+/)
      .waitFor({
        timeout: 120_000,
      });
    await page.screenshot({ path: join(SCREENSHOTS, 'run-progress.png'), fullPage: true });

    const done = page.getByTestId('run-results').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 400_000 });
    const failure = await page.getByTestId('run-error').count();
    if (failure) throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');

    await expect(page.getByTestId('plumbing-warning').textContent()).resolves.toMatch(
      /PLUMBING CHECK, NOT A RESULT/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'run-results.png'), fullPage: true });
    // Import turns '-' in folder names into spaces.
    const classes = ['blue stripes', 'green squares', 'red circles'];
    const bars = page.getByTestId('policy-bars');
    for (const c of classes) {
      await expect(bars.locator(`g[data-class="${c}"] text`).textContent()).resolves.toBe(c);
      await expect(bars.locator(`g[data-class="${c}"] rect`).count()).resolves.toBeGreaterThanOrEqual(2);
    }
    const metrics = page.getByTestId('metrics');
    await expect(metrics.locator('tbody tr').first().textContent()).resolves.toMatch(/^autogenda0\d/);
    await expect(metrics.textContent()).resolves.toMatch(/red circles/);
    for (const s of ['caption', 'candidates', 'features', 'train', 'evaluate']) {
      await expect(
        page.locator(`[data-stage="${s}"] progress`).evaluate((e) => {
          const p = e as HTMLProgressElement;
          return p.value === p.max;
        }),
      ).resolves.toBe(true);
    }

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-zip').click(),
    ]);
    const path = await download.path();
    const files = unzipSync(new Uint8Array(readFileSync(path)));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['metadata.jsonl', 'policy.json']));
    const policy = JSON.parse(new TextDecoder().decode(files['policy.json']));
    expect(policy.classes).toEqual(classes);
    const lines = new TextDecoder().decode(files['metadata.jsonl']).trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});

/**
 * Issue 13's app acceptance: the one-click demo run again with five methods (the ones the run supports
 * on its own sources: identity, search-free, wo-local, wo-transfer, autogenda) and two seeds, in headless
 * Chromium; the Inspect screen's methods table lists every method × seed with top-1 and mean per-class
 * accuracy, mean ± std per method, and says why there is no rank test with one profile; report.json
 * holds the same numbers under `methods`. Fixture models: a plumbing check, labelled as such.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedApp, watchErrors } from './app-server.ts';
import { SCREENSHOTS } from './browser.ts';

const PORT = 4533;
const app = servedApp(PORT);
const FIVE = ['identity', 'search-free', 'wo-local', 'wo-transfer', 'autogenda'];
const SEEDS = [0, 1];

describe('the methods comparison of a demo run with five methods', () => {
  it('runs the demo with five methods × two seeds and reads the methods table', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${app.url}?store=methods-${Date.now()}`);
    // The demo starts with its own settings; stop it once it is under way, then choose the methods.
    await page.getByTestId('run-demo').click();
    await page.waitForURL(/#run$/);
    await page
      .locator('[data-stage="caption"] .stage-count')
      .getByText(/\d+ \/ \d+/)
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('run-cancel').click();
    await page.getByText(/^Cancelled\./).waitFor({ timeout: 60_000 });
    for (const m of FIVE) await page.locator(`input[name="method"][value="${m}"]`).check();
    await page.locator('input[name="seeds"]').fill(SEEDS.join(', '));
    const checked = await page
      .locator('input[name="method"]:checked')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect([...checked].sort()).toEqual([...FIVE].sort());
    const t0 = Date.now();
    await page.getByTestId('run-start').click();
    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 540_000 });
    if (await page.getByTestId('run-error').count())
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    console.log(
      `[e2e/app-methods] 5 methods × 2 seeds finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );

    await page.getByRole('link', { name: 'Inspect', exact: true }).first().click();
    await page.waitForURL(/#inspect$/);
    const methods = page.getByTestId('methods');
    await expect(methods.locator('.plumbing-note').textContent()).resolves.toMatch(/plumbing check/);

    // One row per method: mean ± std over the two seeds of top-1 and mean per-class accuracy.
    const table = page.getByTestId('methods-table');
    const names = await table.locator('tbody th').allTextContents();
    expect([...names].sort()).toEqual([...FIVE].sort());
    for (const m of FIVE) {
      const cells = await table.locator(`tbody tr[data-method="${m}"] td`).allTextContents();
      expect(cells[0]).toBe('2');
      for (const c of cells.slice(1, 3)) expect(c).toMatch(/^\d+\.\d( ± \d+\.\d)?%$/);
    }

    // Every method × seed: top-1 and mean per-class accuracy.
    const seeds = page.getByTestId('methods-seeds');
    await expect(seeds.locator('tbody tr').count()).resolves.toBe(FIVE.length * SEEDS.length);
    for (const m of FIVE) {
      for (const s of SEEDS) {
        const row = seeds.locator(`tbody tr[data-method="${m}"][data-seed="${s}"] td`);
        const [seed, top1, mca] = await row.allTextContents();
        expect(seed).toBe(String(s));
        expect(top1).toMatch(/^\d+\.\d%$/);
        expect(mca).toMatch(/^\d+\.\d%$/);
      }
    }

    // One profile: no rank test, and the reason says what would give one.
    await expect(page.getByTestId('methods-stats-reason').textContent()).resolves.toMatch(
      /No statistical test: one setting \(imbalanced:0\.1\): the Friedman test needs ≥ 2 settings/,
    );
    // Fig. 3 (per-class accuracy against class frequency) has a column per method.
    await expect(
      page.getByTestId('fig-frequency-table').locator('thead th:nth-child(n+3)').allTextContents(),
    ).resolves.toHaveLength(FIVE.length);
    await methods.screenshot({ path: join(SCREENSHOTS, 'inspect-methods-five.png') });

    // report.json holds the same: methods → { top1: [per seed], meanClassAcc: [per seed] }.
    await page.getByRole('link', { name: 'Export' }).first().click();
    const [d] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-export="report.json"]').click(),
    ]);
    const report = JSON.parse(readFileSync(await d.path(), 'utf8'));
    expect(report.plumbingOnly).toBe(true);
    expect(report.seeds).toEqual(SEEDS);
    expect(Object.keys(report.methods).sort()).toEqual([...FIVE].sort());
    for (const m of FIVE) {
      expect(report.methods[m].top1).toHaveLength(2);
      expect(report.methods[m].meanClassAcc).toHaveLength(2);
    }
    expect(report.runs).toHaveLength(FIVE.length * SEEDS.length);
    expect(report.runs[0].trainCounts).toHaveLength(10);
    expect(report.comparison.top1.reason).toMatch(/one setting/);
    expect(errors).toEqual([]);
    await page.close();
  }, 900_000);
});

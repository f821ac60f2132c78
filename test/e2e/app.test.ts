/**
 * The start screen, served by the real start command (build + `vite preview` with COOP/COEP), in
 * Chromium with WebGPU (SwiftShader here) and in a page where WebGPU is missing.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedApp, watchErrors } from './app-server.ts';
import { SCREENSHOTS } from './browser.ts';

const PORT = 4517;
const app = servedApp(PORT);
const URL = app.url;

describe('start screen', () => {
  it('reports the WebGPU adapter, cross-origin isolation and no errors', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page, { console: true });
    await page.goto(URL);
    await page.getByTestId('capabilities-ready').waitFor({ timeout: 60_000 });

    await expect(page.title()).resolves.toMatch(/AutoGenDA/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('AutoGenDA');
    const adapter = ((await page.getByTestId('adapter').textContent()) ?? '').trim();
    console.log(`[e2e/app] adapter: ${adapter}`);
    expect(adapter).not.toBe('');
    expect(/swiftshader/i.test(adapter) || !/no WebGPU/i.test(adapter), adapter).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('isolation').textContent()).resolves.toMatch(
      /^Multi-threaded wasmAvailable/,
    );
    // Every needed limit appears in the table, and the shader-f16 verdict is shown either way.
    await expect(page.locator('table.limits tbody tr').count()).resolves.toBeGreaterThanOrEqual(5);
    await expect(page.locator('[data-feature="shader-f16"]').count()).resolves.toBe(1);
    // Every section is a link, in order, and the current one is marked.
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
      'Start',
      'Import',
      'Models',
      'Run',
      'Inspect',
      'Export',
    ]);
    await expect(nav.locator('[aria-current="page"]').textContent()).resolves.toBe('Start');

    await page.screenshot({ path: join(SCREENSHOTS, 'start.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('moves between sections with the keyboard alone', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page, { console: true });
    await page.goto(URL);
    await page.getByTestId('capabilities-ready').waitFor({ timeout: 60_000 });
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    for (let i = 0; i < 12 && (await focused()) !== 'Models'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Models');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#models$/);
    await page.getByRole('heading', { level: 2, name: 'Models', exact: true }).waitFor();
    // Back to Start with the history, as with any link.
    await page.goBack();
    await page.getByTestId('run-demo').waitFor();
    // The demo button is reachable and named.
    for (let i = 0; i < 30 && (await focused()) !== 'Run the demo'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Run the demo');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an error nobody handled in one banner, as text, and can dismiss it', async () => {
    const page = await app.ctx.newPage();
    await page.goto(URL);
    await page.getByTestId('capabilities-ready').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('app-error').count()).resolves.toBe(0);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new TypeError('<b>boom</b> from a test');
      });
    });
    const banner = page.getByTestId('app-error');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toMatch(
      /Something went wrong \(TypeError\): <b>boom<\/b> from a test/,
    );
    await expect(banner.locator('b').count()).resolves.toBe(0); // text, not markup
    await page.evaluate(() => {
      void Promise.reject(new RangeError('a rejected promise'));
    });
    await banner.getByText(/RangeError\): a rejected promise/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'app-error.png') });
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByTestId('app-error').count()).resolves.toBe(0);
    await page.close();
  });

  it('says plainly when the browser has no WebGPU', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page, { console: true });
    // navigator.gpu lives on Navigator.prototype; removing it there makes the page see no WebGPU.
    await page.addInitScript(() => {
      delete (Navigator.prototype as unknown as { gpu?: unknown }).gpu;
    });
    await page.goto(URL);
    await page.getByTestId('capabilities-ready').waitFor({ timeout: 60_000 });

    expect(await page.evaluate(() => 'gpu' in navigator)).toBe(false);
    await expect(page.getByTestId('adapter').textContent()).resolves.toMatch(/^no WebGPU adapter$/i);
    const problems = page.getByRole('region', { name: 'Problems' });
    await expect(problems.textContent()).resolves.toContain('This browser has no WebGPU');
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/cannot run/);

    await page.screenshot({ path: join(SCREENSHOTS, 'start-no-webgpu.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

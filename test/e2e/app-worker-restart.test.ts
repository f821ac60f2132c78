/**
 * Crash-only runs in the browser: the demo run starts, its pipeline worker is closed from inside
 * (through the DevTools protocol, as a crash would end it: no message, no event on the page) once the
 * candidates stage has stored some items, and — without a click — the app starts a fresh worker, says
 * so in the progress area, and finishes the run, reusing the captions and candidates the dead worker
 * stored in IndexedDB.
 */
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { servedApp, watchErrors } from './app-server.ts';
import { SCREENSHOTS } from './browser.ts';

const PORT = 4531;
const app = servedApp(PORT);

describe('a run whose worker dies restarts by itself', () => {
  it('resumes the run in a fresh worker without a click and reuses cached items', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(app.url);
    await page.getByTestId('run-demo').click();
    await page
      .locator('[data-stage="candidates"] .stage-count')
      .getByText(/[1-9]\d* \/ \d+/)
      .waitFor({ timeout: 400_000 });
    await page.waitForTimeout(1_000); // a few more candidates land in the store

    // The Worker is created with name 'pipeline' (ONNX Runtime's own thread workers are not).
    const pipelineWorkers = async () => {
      const named = await Promise.all(page.workers().map((w) => w.evaluate(() => self.name).catch(() => '')));
      return page.workers().filter((_, i) => named[i] === 'pipeline');
    };
    const [worker] = await pipelineWorkers();
    if (!worker) throw new Error(`no pipeline worker among ${page.workers().map((w) => w.url())}`);
    const closed = new Promise<void>((r) => worker.once('close', () => r()));
    await closeFromInside(worker);
    await closed;

    const restarts = page.getByTestId('run-restarts');
    await restarts.waitFor({ timeout: 30_000 });
    await expect(restarts.textContent()).resolves.toBe(
      'The worker stopped (it was terminated or crashed); restarted, continuing from the cached items — restart 1 of 3.',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'run-worker-restarted.png'), fullPage: true });
    // A fresh worker took over the run.
    await expect.poll(async () => (await pipelineWorkers()).length, { timeout: 30_000 }).toBe(1);
    expect((await pipelineWorkers())[0]).not.toBe(worker);

    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 500_000 });
    if (await page.getByTestId('run-error').count()) {
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    }
    // The run that finished is the restarted one: every caption and some candidates came from the store.
    const reuse = (await page.getByTestId('reuse').textContent()) ?? '';
    expect(reuse).toMatch(/^Done: 9 training run\(s\)/);
    expect(reuse).toMatch(/caption 0 computed, [1-9]\d* cached/);
    expect(reuse).toMatch(/candidates \d+ computed, [1-9]\d* cached/);
    // The restart stays on record after the run is done; finished, no resume is offered.
    await expect(restarts.textContent()).resolves.toMatch(/restart 1 of 3/);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-done-after-restart.png'), fullPage: true });
    await page.goto(app.url);
    await page.getByTestId('run-demo').waitFor();
    await expect(page.getByTestId('resume-offer').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 900_000);
});

/** Ends the worker from inside (`self.close()`): the page gets no event, as with a crash. */
async function closeFromInside(worker: Worker): Promise<void> {
  await worker
    .evaluate(() => (self as unknown as { close(): void }).close())
    .catch(() => {
      // the worker may go before the protocol answers
    });
}

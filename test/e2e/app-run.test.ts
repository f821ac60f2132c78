/**
 * "Run the demo" in the served app (build + `vite preview`, COOP/COEP), in headless Chromium with
 * SwiftShader WebGPU: one click on Start imports the bundled Fashion-MNIST subset and runs the whole
 * pipeline in the pipeline worker on in-memory fixture models; the Run screen shows the settings,
 * per-stage progress and the plumbing-check warning, and the Export screen's downloads hold what the
 * pipeline exported (the zip: augmented dataset, classifier, policy, metrics, report).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { servedApp, watchErrors } from './app-server.ts';
import { SCREENSHOTS } from './browser.ts';

const PORT = 4519;
const app = servedApp(PORT);
const URL = app.url;

describe('run the demo', () => {
  // Runs first: the finished items it leaves in IndexedDB are reused by the full run below.
  it('cancels a run at the next item and can start again', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(URL);
    await page.getByTestId('run-demo').click();
    await page.waitForURL(/#run$/);
    const start = page.getByTestId('run-start');
    await expect(start.isDisabled()).resolves.toBe(true);
    await page
      .locator('[data-stage="caption"] .stage-count')
      .getByText(/\d+ \/ \d+/)
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('run-cancel').click();
    await page.getByText(/^Cancelled\./).waitFor({ timeout: 60_000 });
    // The demo's dataset is now imported and selected: Run can start again.
    await expect(page.getByTestId('run-dataset').textContent()).resolves.toMatch(
      /^Fashion-MNIST demo: 100 images in 10 classes/,
    );
    await expect(start.isEnabled()).resolves.toBe(true);
    await expect(page.getByTestId('run-done').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-cancelled.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('runs the demo in a worker, then exports everything it made', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(URL);
    await expect(page.getByTestId('plumbing-label').textContent()).resolves.toMatch(/PLUMBING CHECK/);
    await page.screenshot({ path: join(SCREENSHOTS, 'start-demo.png'), fullPage: true });

    await page.getByTestId('run-demo').click();
    await page.getByTestId('run-progress').waitFor();
    // The main thread stays responsive while the worker computes, and other sections open meanwhile.
    await expect(page.evaluate(() => 1 + 1)).resolves.toBe(2);
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('heading', { level: 2, name: 'Models', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Run' }).click();
    await page
      .locator('[data-stage="candidates"] .stage-count')
      .getByText(/[1-9]\d* \/ \d+/)
      .waitFor({ timeout: 300_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'run-progress.png'), fullPage: true });

    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 500_000 });
    if (await page.getByTestId('run-error').count()) {
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    }
    await expect(page.getByTestId('plumbing-warning').textContent()).resolves.toMatch(
      /PLUMBING CHECK, NOT A RESULT/,
    );
    // Three methods × three seeds, as the demo settings say.
    await expect(page.getByTestId('reuse').textContent()).resolves.toMatch(/^Done: 9 training run\(s\)/);
    for (const s of ['import', 'caption', 'candidates', 'features', 'train', 'evaluate']) {
      await expect(
        page.locator(`[data-stage="${s}"] progress`).evaluate((e) => {
          const p = e as HTMLProgressElement;
          return p.value === p.max;
        }),
      ).resolves.toBe(true);
    }
    // Training runs are parts of the search/train stages: the bars name the last one and end full.
    await expect(page.locator('[data-stage="train"] .stage-count').textContent()).resolves.toMatch(
      /^identity, seed 2 \(run 9 of 9\)/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'run-done.png'), fullPage: true });

    await page.getByRole('link', { name: 'Export' }).first().click();
    await expect(page.getByTestId('export-warning').textContent()).resolves.toMatch(/PLUMBING CHECK/);
    await page.screenshot({ path: join(SCREENSHOTS, 'export.png'), fullPage: true });
    const download = async (name: string) => {
      const [d] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`[data-export="${name}"]`).click(),
      ]);
      expect(d.suggestedFilename()).toBe(name);
      return new Uint8Array(readFileSync(await d.path()));
    };
    const zip = await download('Fashion-MNIST-demo-autogenda.zip');
    // The zip was streamed to disk (OPFS), not built in memory: the download is that file.
    const opfsZip = (name: string) =>
      page.evaluate(async (n) => {
        const root = await navigator.storage.getDirectory();
        const folder = await root.getDirectoryHandle('autogenda-exports').catch(() => undefined);
        const handle = await folder?.getFileHandle(n).catch(() => undefined);
        return handle ? (await handle.getFile()).size : -1;
      }, name);
    await expect(opfsZip('Fashion-MNIST-demo-autogenda.zip')).resolves.toBe(zip.length);
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'metadata.jsonl',
        'policy.json',
        'classifier.onnx',
        'metrics.json',
        'report.md',
      ]),
    );
    const policy = JSON.parse(new TextDecoder().decode(files['policy.json']));
    expect(policy.classes).toHaveLength(10);
    expect(policy.classes).toContain('ankle boot');
    const metrics = JSON.parse(new TextDecoder().decode(files['metrics.json']));
    expect(metrics.plumbingOnly).toBe(true);
    expect(metrics.runs).toHaveLength(9);
    const lines = new TextDecoder().decode(files['metadata.jsonl']).trim().split('\n');
    const sources = new Set(lines.map((l) => JSON.parse(l).source));
    expect([...sources].sort()).toEqual(['local', 'real', 'transfer']);
    // The classifier on its own is the same file as in the zip.
    const onnx = await download('classifier.onnx');
    expect(onnx).toEqual(files['classifier.onnx']);

    // What the run cached can be freed; the imported demo stays.
    await page.getByRole('link', { name: 'Import' }).first().click();
    const storage = page.getByTestId('storage');
    await storage.locator('tr[data-collection="candidates"]').waitFor();
    // the zip is listed with the rest of what the browser keeps
    const zipRow = storage.locator('tr[data-collection="export zips"] td');
    await expect(zipRow.first().textContent()).resolves.toBe('1');
    await page.getByTestId('clear-cached').click();
    await page
      .getByTestId('storage-note')
      .getByText(/^Deleted \d+ cached items/)
      .waitFor();
    await expect(storage.locator('tr[data-collection="candidates"]').count()).resolves.toBe(0);
    await expect(opfsZip('Fashion-MNIST-demo-autogenda.zip')).resolves.toBe(-1); // the zip went too
    await expect(zipRow.count()).resolves.toBe(0);
    await expect(storage.locator('tr[data-collection="images"] td').first().textContent()).resolves.toBe(
      '100',
    );
    await expect(page.getByTestId('dataset').count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 900_000);
});

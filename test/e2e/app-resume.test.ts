/**
 * Reload in the middle and resume: the demo run starts, the page is reloaded once caption progress
 * shows, the reloaded page offers "Resume the run", the resumed run finishes and reports items
 * reused from IndexedDB (the same persistent profile), and Inspect shows the gallery per class.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedApp, watchErrors } from './app-server.ts';
import { SCREENSHOTS } from './browser.ts';

const PORT = 4516;
const app = servedApp(PORT);
const URL = app.url;

const CLASSES = [
  'ankle boot',
  'bag',
  'coat',
  'dress',
  'pullover',
  'sandal',
  'shirt',
  'sneaker',
  'T shirt top',
  'trouser',
];

describe('reload in the middle and resume', () => {
  it('offers to resume after a reload, reuses cached items, and shows the gallery', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(URL);
    await expect(page.getByTestId('resume-offer').count()).resolves.toBe(0);
    await page.getByTestId('run-demo').click();
    const captionCount = page.locator('[data-stage="caption"] .stage-count');
    await captionCount.getByText(/^[1-9]\d* \/ \d+/).waitFor({ timeout: 120_000 });
    // Let a few more captions land in the store, then reload mid-run.
    await page.waitForTimeout(1_000);
    await page.reload();

    const offer = page.getByTestId('resume-offer');
    await offer.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'resume-offer.png'), fullPage: true });
    await page.getByRole('button', { name: 'Resume the run' }).click();
    await expect(offer.count()).resolves.toBe(0);

    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 400_000 });
    if (await page.getByTestId('run-error').count()) {
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    }
    // The resumed run found items the interrupted one stored: at least one caption (and every import).
    const reuse = (await page.getByTestId('reuse').textContent()) ?? '';
    expect(reuse).toMatch(/import 0 computed, 100 cached/);
    expect(reuse).toMatch(/caption \d+ computed, [1-9]\d* cached/);

    await page.getByRole('link', { name: 'Inspect' }).first().click();
    const gallery = page.getByTestId('gallery');
    for (const c of CLASSES) {
      const section = gallery.locator(`section[data-class="${c}"]`);
      await expect(section.locator('h4').textContent()).resolves.toBe(c);
      await expect(section.getByTestId('neighbours').textContent()).resolves.toMatch(
        new RegExp(
          `Neighbour classes \\(transfer captions come from these\\): (${CLASSES.filter((x) => x !== c).join('|')})`,
        ),
      );
      expect(await section.locator('figure.original img').count()).toBeGreaterThanOrEqual(1);
      expect(await section.locator('figure.candidate[data-source="local"]').count()).toBeGreaterThanOrEqual(
        1,
      );
      expect(
        await section.locator('figure.candidate[data-source="transfer"]').count(),
      ).toBeGreaterThanOrEqual(1);
      const prompt = (await section.locator('q.prompt').first().textContent()) ?? '';
      expect(prompt.length).toBeGreaterThan(0);
      // Every image decoded (a Blob URL of real PNG bytes).
      const widths = await section
        .locator('img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(widths.every((w) => w > 0)).toBe(true);
    }
    await gallery.screenshot({ path: join(SCREENSHOTS, 'gallery.png') });

    // Finished: a fresh page load offers no resume.
    await page.goto(URL);
    await page.getByTestId('run-demo').waitFor();
    await expect(page.getByTestId('resume-offer').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});

/**
 * The Inspect screen in Chromium. First on the Vite dev server with a hand-made RunSummary put into the
 * app's state (edge cases: untrusted class names, a method without history, too few shared seeds, no
 * run yet); then in the served app (build + `vite preview`) after the one-click demo has run the whole
 * pipeline on fixture models: gallery, Fig. 3/4/6 with one mark per datum, and the methods table.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import type { BrowserContext, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow, RunSummary } from '../../src/pipeline/app/contract.ts';
import { startApp, stopApp, watchErrors } from './app-server.ts';
import { devServer, launch, SCREENSHOTS } from './browser.ts';

const PORT = 4527;
const URL = `http://localhost:${PORT}/`;
let ctx: BrowserContext | undefined;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  ctx = await launch();
}, 120_000);

afterAll(async () => {
  await ctx?.close();
});

/** Every mark a Plot mark drew, by the className the Inspect figures give their marks (poll it: plots mount in an effect). */
const marks = (page: Page, figure: string, cls: string) =>
  page.locator(`[data-testid="${figure}"] svg g.${cls} > :not(marker)`).count();

// ---- a hand-made run ---------------------------------------------------------------------------------

const EVIL = '<img src=x onerror="window.__xss=1">';
const CLASSES = [EVIL, 'dog', 'eel & co', 'fox'];
const TRAIN = [5, 50, 12, 200];
const SOURCES = ['identity', 'local', 'transfer'];

function png(r: number, g: number, b: number): number[] {
  const data = new Uint8Array(16 * 16 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([r, g, b], i);
  return [...encode({ width: 16, height: 16, data, channels: 3 })];
}

function syntheticSummary(): Omit<RunSummary, 'gallery'> & { gallery: unknown[] } {
  const probs = (a: number) => CLASSES.map((_, k) => [a, (1 - a) / 2 + 0.01 * k, (1 - a) / 2 - 0.01 * k]);
  const history = (a: number) => [0, 1, 2, 3].map((e) => probs(1 / 3 + ((a - 1 / 3) * (e + 1)) / 4));
  const row = (method: string, seed: number, acc: number, p: number[][], h: number[][][] = []): RunRow => ({
    method,
    seed,
    top1: acc,
    meanClassAcc: acc - 0.05,
    perClass: [acc - 0.2, acc, null, acc + 0.1],
    sources: ['identity', 'local', 'transfer'].slice(0, p[0].length),
    probs: p,
    history: h,
  });
  const third = CLASSES.map(() => [1 / 3, 1 / 3, 1 / 3]);
  return {
    plumbingOnly: true,
    warning: 'PLUMBING CHECK, NOT A RESULT: synthetic summary for the Inspect e2e test.',
    dataset: { id: 'synthetic', name: 'Synthetic <b>set</b>' },
    settings: {} as RunSummary['settings'],
    classes: CLASSES,
    trainCounts: TRAIN,
    sources: SOURCES,
    runs: [
      row('autogenda', 0, 0.7, probs(0.2), history(0.2)),
      row('autogenda', 1, 0.72, probs(0.3), history(0.3)),
      row('search-free', 0, 0.6, third),
      row('search-free', 1, 0.62, third),
      row(
        'identity',
        0,
        0.5,
        CLASSES.map(() => [1]),
      ),
    ],
    testCount: 40,
    models: { captioner: 'fixture' },
    tally: {},
    gallery: [
      {
        name: EVIL,
        neighbours: ['dog', 'eel & co'],
        originals: [
          {
            caption: 'a photo of a <script>x</script> which sits',
            bytes: png(200, 0, 0),
            candidates: [
              { source: 'local', prompt: 'a photo of a thing which sits', png: png(0, 200, 0) },
              { source: 'transfer', prompt: 'a photo of a thing which swims', png: png(0, 0, 200) },
            ],
          },
        ],
      },
      {
        // Over the gallery's byte budget: text only.
        name: 'fox',
        neighbours: ['dog'],
        imagesOmitted: true,
        originals: [
          {
            caption: 'a photo of a fox which runs',
            bytes: [],
            candidates: [{ source: 'local', prompt: 'a photo of a fox which jumps', png: [] }],
          },
        ],
      },
    ],
    exports: [],
  };
}

/** Puts a summary into the app's state (the same module instance the app uses, via the dev server). */
async function setResult(page: Page, summary: unknown): Promise<void> {
  await page.evaluate((s) => {
    const toBytes = (v: unknown): unknown =>
      Array.isArray(v) && v.length > 8 && v.every((x) => typeof x === 'number' && Number.isInteger(x))
        ? Uint8Array.from(v as number[])
        : v;
    const fix = (o: Record<string, unknown>) => {
      for (const k of ['bytes', 'png']) if (k in o) o[k] = toBytes(o[k]);
    };
    const g = (s as { gallery?: { originals: (Record<string, unknown> & { candidates: [] })[] }[] })?.gallery;
    for (const c of g ?? [])
      for (const o of c.originals) {
        fix(o);
        for (const x of o.candidates) fix(x);
      }
    (window as { __inspectSummary?: unknown }).__inspectSummary = s ?? undefined;
  }, summary);
  // A string, so vitest does not rewrite the dynamic import meant for the page's module graph.
  await page.evaluate(
    "import('/src/ui/app/state.ts').then((m) => { m.runResult.value = window.__inspectSummary; })",
  );
}

describe('inspect a hand-made run (dev server)', () => {
  let vite: ViteDevServer | undefined;
  beforeAll(async () => {
    vite = await devServer(PORT);
  }, 120_000);
  afterAll(async () => {
    await vite?.close();
  });

  it('shows no run yet with a link to Run', async () => {
    const page = await ctx!.newPage();
    const errors = watchErrors(page);
    await page.goto(`${URL}?store=inspect-empty-${Date.now()}#inspect`);
    const empty = page.getByTestId('inspect-empty');
    await empty.waitFor({ timeout: 60_000 });
    await expect(empty.getByRole('link', { name: 'Go to Run' }).getAttribute('href')).resolves.toBe('#run');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('renders every part, untrusted names as text, and explains what it cannot show', async () => {
    const page = await ctx!.newPage();
    const errors = watchErrors(page);
    await page.goto(`${URL}?store=inspect-synthetic-${Date.now()}#inspect`);
    await page.getByTestId('inspect-empty').waitFor({ timeout: 60_000 });
    await setResult(page, syntheticSummary());

    // The plumbing warning comes first.
    const warning = page.getByTestId('inspect-plumbing');
    await expect(warning.textContent()).resolves.toMatch(/^PLUMBING CHECK, NOT A RESULT/);
    const first = await page.locator('.inspect-body > *').first().getAttribute('data-testid');
    expect(first).toBe('inspect-plumbing');
    await expect(page.getByTestId('inspect-meta').textContent()).resolves.toMatch(/^Synthetic <b>set<\/b>:/);

    // Gallery: original + 2 candidates with their prompts; names and captions as text.
    const gallery = page.getByTestId('gallery');
    await expect(gallery.locator('img').count()).resolves.toBe(3);
    const evil = gallery.locator('.gallery-class').first();
    await expect(evil.locator('h4').textContent()).resolves.toBe(EVIL);
    await expect(evil.locator('q.prompt').allTextContents()).resolves.toEqual([
      'a photo of a thing which sits',
      'a photo of a thing which swims',
    ]);
    await expect(evil.locator('q.caption').textContent()).resolves.toBe(
      'a photo of a <script>x</script> which sits',
    );
    // A class over the gallery's byte budget: no images, a note, its caption and prompts as text.
    const fox = gallery.locator('section[data-class="fox"]');
    await expect(fox.locator('img').count()).resolves.toBe(0);
    await expect(fox.getByTestId('images-omitted').textContent()).resolves.toMatch(/in the exported zip/);
    await expect(fox.locator('q.prompt').allTextContents()).resolves.toEqual([
      'a photo of a fox which jumps',
    ]);
    await expect(
      gallery
        .locator('img')
        .evaluateAll((els) => els.every((e) => (e as HTMLImageElement).naturalWidth === 16)),
    ).resolves.toBe(true);

    // Fig. 3: one symbol per class with a test accuracy (3 of 4) × method (3); a legend; a trend per method.
    await expect.poll(() => marks(page, 'fig-frequency', 'fig3-dot')).toBe(3 * 3);
    await expect.poll(() => marks(page, 'fig-frequency', 'fig3-trend')).toBe(3);
    await expect(
      page.locator('[data-testid="fig-frequency"] [class$="-swatch"]').allTextContents(),
    ).resolves.toEqual(['autogenda', 'search-free', 'identity']);
    await expect(page.locator('[data-testid="fig-frequency"] svg').last().textContent()).resolves.toMatch(
      /^(?=.*Training images per class \(log scale\))(?=.*Per-class test accuracy)/s,
    );

    // Fig. 4: classes × sources bars, most frequent class first; the select switches runs.
    await expect.poll(() => marks(page, 'fig-policy', 'fig4-bar')).toBe(4 * 3);
    const policyRows = page.getByTestId('fig-policy-table').locator('tbody th');
    await expect(policyRows.allTextContents()).resolves.toEqual(['fox', 'dog', 'eel & co', EVIL]);
    await page.getByTestId('fig-policy-run').selectOption({ label: 'identity: seed 0 (fixed)' });
    await expect.poll(() => marks(page, 'fig-policy', 'fig4-bar')).toBe(4);
    await expect(page.getByTestId('fig-policy-table').locator('thead th').allTextContents()).resolves.toEqual(
      ['Class', 'Training images', 'P(identity)'],
    );

    // Fig. 6: one line per source for the chosen class; the paper's view has one per class per panel.
    await expect.poll(() => marks(page, 'fig-convergence', 'fig6-line')).toBe(3);
    await expect(page.getByTestId('fig-convergence').textContent()).resolves.toMatch(
      /search-free, identity use a fixed policy and have no search history/,
    );
    await expect(page.getByTestId('fig-convergence-table').locator('tbody tr').count()).resolves.toBe(4);
    await page.getByTestId('fig-convergence-class').selectOption('all');
    await expect.poll(() => marks(page, 'fig-convergence', 'fig6-line')).toBe(4 * 3);

    // Methods: one row per method, one per method × seed; one profile, so no test, and why.
    await expect(page.getByTestId('methods-table').locator('tbody tr').count()).resolves.toBe(3);
    await expect(page.getByTestId('methods-seeds').locator('tbody tr').count()).resolves.toBe(5);
    await expect(page.getByTestId('methods-stats-reason').textContent()).resolves.toMatch(
      /one setting \(.*\): the Friedman test needs ≥ 2 settings/,
    );
    // A sweep: its two profiles are the blocks of Friedman's test and of Holm's against autogenda.
    const swept = syntheticSummary();
    swept.profiles = ['imbalanced:0.01', 'imbalanced:0.1'];
    swept.runs = swept.profiles.flatMap((p) => swept.runs.map((r) => ({ ...r, profile: p })));
    await setResult(page, swept);
    await expect(page.getByTestId('methods-friedman').textContent()).resolves.toMatch(
      /3 methods, 2 profiles\).*Iman–Davenport/s,
    );
    await expect(page.getByTestId('methods-holm').locator('tbody tr').count()).resolves.toBe(2);
    await expect(page.getByTestId('methods-seeds').locator('tbody tr').count()).resolves.toBe(10);
    await setResult(page, syntheticSummary());

    // Accessible names, and the numbers behind a keyboard-reachable disclosure.
    await expect(page.getByRole('figure', { name: /^Fig\. \d/ }).count()).resolves.toBe(3);
    for (const id of ['fig-frequency', 'fig-policy', 'fig-convergence']) {
      const fig = page.getByTestId(id);
      await expect(fig.evaluate((e) => e.tagName)).resolves.toBe('FIGURE');
      await expect(fig.locator('svg[aria-label]').count()).resolves.toBeGreaterThan(0);
      await expect(fig.locator('details > summary').textContent()).resolves.toBe('Show the numbers');
    }
    await page.getByTestId('fig-frequency').locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('fig-frequency-table').isVisible()).resolves.toBe(true);

    // Nothing from the run was parsed as markup.
    await expect(page.evaluate(() => (window as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await expect(page.locator('img[src="x"], script:text("x")').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'inspect-synthetic.png'), fullPage: true });

    // Without any search method, Fig. 6 says so instead of plotting.
    const s = syntheticSummary();
    s.runs = s.runs.filter((r) => r.method !== 'autogenda');
    await setResult(page, s);
    await expect(page.getByTestId('fig-convergence-empty').textContent()).resolves.toMatch(
      /No method of this run searched a policy/,
    );
    await expect.poll(() => marks(page, 'fig-policy', 'fig4-bar')).toBe(4 * 3);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

// ---- the demo, end to end --------------------------------------------------------------------------------

describe('inspect the one-click demo (served app)', () => {
  let server: ChildProcess | undefined;
  beforeAll(async () => {
    server = await startApp(PORT);
  }, 300_000);
  afterAll(() => stopApp(server));

  it('runs the demo, then shows its gallery, figures and method comparison', async () => {
    const page = await ctx!.newPage();
    const errors = watchErrors(page);
    await page.goto(`${URL}?store=inspect-demo-${Date.now()}`);
    const t0 = Date.now();
    await page.getByTestId('run-demo').click();
    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 540_000 });
    if (await page.getByTestId('run-error').count())
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    console.log(`[e2e/app-inspect] demo finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    await page.getByRole('link', { name: 'Inspect', exact: true }).first().click();
    await page.waitForURL(/#inspect$/);
    await expect(page.getByTestId('inspect-plumbing').textContent()).resolves.toMatch(/PLUMBING CHECK/);

    // Gallery: every class, originals with their generated images and non-empty prompts.
    const gallery = page.getByTestId('gallery');
    await expect(gallery.locator('.gallery-class').count()).resolves.toBe(10);
    const images = await gallery.locator('img').count();
    const prompts = await gallery.locator('q.prompt').allTextContents();
    expect(images).toBeGreaterThan(10);
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.every((p) => p.trim().length > 0)).toBe(true);
    await expect(gallery.locator('.candidate[data-source="transfer"]').count()).resolves.toBeGreaterThan(0);
    await expect(
      gallery.locator('img').evaluateAll((els) =>
        Promise.all(
          els.map((e) => {
            const img = e as HTMLImageElement;
            return img.decode().then(() => img.naturalWidth > 0);
          }),
        ).then((ok) => ok.every(Boolean)),
      ),
    ).resolves.toBe(true);

    // Fig. 3: a symbol per class × method, as many as accuracies in its number table.
    const freqTable = page.getByTestId('fig-frequency-table');
    await expect(freqTable.locator('tbody tr').count()).resolves.toBe(10);
    await expect(freqTable.locator('thead th').allTextContents()).resolves.toEqual([
      'Class',
      'Training images',
      'autogenda',
      'search-free',
      'identity',
    ]);
    const accCells = await freqTable.locator('tbody td:nth-child(n+3)').allTextContents();
    const withAcc = accCells.filter((c) => c !== '—').length;
    expect(withAcc).toBeGreaterThan(0);
    await expect.poll(() => marks(page, 'fig-frequency', 'fig3-dot')).toBe(withAcc);

    // Fig. 4: 10 classes × 3 sources for autogenda; Fig. 6: one line per source.
    await expect.poll(() => marks(page, 'fig-policy', 'fig4-bar')).toBe(10 * 3);
    await expect.poll(() => marks(page, 'fig-convergence', 'fig6-line')).toBe(3);
    const epochs = await page.getByTestId('fig-convergence-table').locator('tbody tr').count();
    expect(epochs).toBeGreaterThan(0);

    // Methods: one row per method; one profile gives no rank test, only the reason (a sweep gives one).
    const methods = page.getByTestId('methods-table');
    await expect(methods.locator('tbody th').allTextContents()).resolves.toEqual([
      'autogenda',
      'search-free',
      'identity',
    ]);
    const stats = page.getByTestId('methods-stats').or(page.getByTestId('methods-stats-reason'));
    await expect(stats.textContent()).resolves.toMatch(/Friedman test|No statistical test/);
    if (await page.getByTestId('methods-stats').count()) {
      await expect(page.getByTestId('methods-friedman').textContent()).resolves.toMatch(
        /3 methods, 3 seeds\).*Iman–Davenport/s,
      );
      await expect(page.getByTestId('methods-holm').locator('tbody tr').count()).resolves.toBe(2);
    }
    console.log(`[e2e/app-inspect] stats: ${(await stats.textContent())?.slice(0, 160)}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'inspect.png'), fullPage: true });
    for (const id of ['fig-frequency', 'fig-policy', 'fig-convergence', 'methods'])
      await page.getByTestId(id).screenshot({ path: join(SCREENSHOTS, `inspect-${id}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});

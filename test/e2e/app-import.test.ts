/**
 * The Import screen in the served app (headless Chromium, a fresh IndexedDB database via ?store=):
 * a folder through the folder picker (real skimage photos plus bad files) → the report lists images per
 * class and each skipped file with its reason, and class names that look like HTML stay text; a zip
 * dropped on the drop zone (a script-made DataTransfer); the bundled demo; a refused drop and a refused
 * dataset leave the others alone; after a reload the datasets are still listed; delete; Use → Run; a
 * textual-inversion file picked on the Run screen reaches the run (a token naming no class is refused).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_SETTINGS } from '../../src/ui/app/settings-defaults.ts';
import { servedApp, watchErrors } from './app-server.ts';
import { SCREENSHOTS } from './browser.ts';

const PORT = 4525;
const STORE = `e2e-import-${Date.now()}`;
const URL = `http://localhost:${PORT}/?store=${STORE}#import`;
const SKIMAGE = '.cache/skimage';
const XSS = '<img src=x onerror=alert(1)>';

const app = servedApp(PORT);
const tmp = mkdtempSync(join(tmpdir(), 'autogenda-import-e2e-'));

/** Demo PNGs (28×28 Fashion-MNIST) by class folder, for the zips. */
const demo = unzipSync(new Uint8Array(readFileSync('public/demo/fashion-mnist-demo.zip')));
const demoPngs = (folder: string, n: number) =>
  Object.entries(demo)
    .filter(([p]) => p.startsWith(`${folder}/`))
    .slice(0, n);

/** A dataset folder as a user has it: real photos, and the usual mistakes. */
function makeFolder(): string {
  const root = join(tmp, 'holiday-photos');
  const put = (rel: string, bytes: Uint8Array | string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), bytes);
  };
  const photo = (name: string) => readFileSync(join(SKIMAGE, name));
  put('animals/chelsea.png', photo('chelsea.png'));
  put('animals/horse.png', photo('horse.png'));
  put('animals/notes.jpg', 'this is not a picture, just text\n'); // a text file named .jpg
  put('textures/brick.png', photo('brick.png'));
  put('textures/grass.png', photo('grass.png'));
  put('textures/gravel.png', photo('gravel.png'));
  put('textures/empty.png', new Uint8Array(0)); // zero bytes
  put('space/rocket.jpg', photo('rocket.jpg')); // a class of 1: reported as too small
  put('broken/truncated.jpg', photo('truncated.jpg')); // a class folder left with no usable image
  put(`${XSS}/camera.png`, photo('camera.png'));
  put(`${XSS}/coins.png`, photo('coins.png'));
  mkdirSync(join(root, 'empty-class')); // a folder picker never sees an empty folder
  return root;
}

async function openImport(page: Page): Promise<void> {
  await page.goto(URL);
  await page.getByRole('heading', { name: 'Import', exact: true }).waitFor();
}

/** Drops `files` (name → bytes) on the drop zone the way a drag from the desktop would. */
async function drop(page: Page, files: Record<string, Uint8Array>): Promise<void> {
  const payload = Object.entries(files).map(([name, bytes]) => ({ name, bytes: [...bytes] }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const type = f.name.endsWith('.zip') ? 'application/zip' : '';
      dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type }));
    }
    return dt;
  }, payload);
  const zone = page.getByTestId('drop-zone');
  for (const type of ['dragenter', 'dragover', 'drop']) await zone.dispatchEvent(type, { dataTransfer });
}

const outcome = (page: Page) => page.getByTestId('import-outcome');
const listed = (page: Page) => page.getByTestId('dataset').locator('.dataset-name').allTextContents();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the Import screen', () => {
  it('imports a folder, a dropped zip and the demo; reports skipped files; keeps them after a reload', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`); // an injected alert() would land here
      void d.dismiss();
    });
    await openImport(page);
    await expect(page.getByTestId('dataset-list').textContent()).resolves.toMatch(/None yet/);

    // A folder through the folder picker (the keyboard path: a labelled button opens it).
    await page.getByTestId('folder-input').setInputFiles(makeFolder());
    await outcome(page)
      .getByText(/^Imported holiday-photos: 8 images in 4 classes/)
      .waitFor({ timeout: 60_000 });
    const report = page.getByTestId('import-report');
    await expect(page.getByTestId('report-summary').textContent()).resolves.toMatch(
      /^holiday-photos: 8 images in 4 classes; 3 files skipped/,
    );
    const rows = await page
      .getByTestId('report-classes')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows).toEqual([
      [XSS, XSS, '2'],
      ['animals', 'animals', '2'],
      ['space', 'space', 'too few: 1'],
      ['textures', 'textures', '3'],
    ]);
    const skipped = await page
      .getByTestId('report-skipped')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    const reasons = Object.fromEntries(skipped);
    expect(Object.keys(reasons).sort()).toEqual([
      'animals/notes.jpg',
      'broken/truncated.jpg',
      'textures/empty.png',
    ]);
    expect(reasons['animals/notes.jpg']).toMatch(/not a (PNG|JPEG|supported)|unknown|format/i);
    expect(reasons['textures/empty.png']).toMatch(/empty|0 bytes|zero/i);
    expect(reasons['broken/truncated.jpg']).toMatch(/truncated|cannot be decoded/i);
    await expect(page.getByTestId('report-empty').textContent()).resolves.toMatch(/broken/);
    await expect(page.getByTestId('report-small').textContent()).resolves.toMatch(/space/);
    // Untrusted names are text: no element was made from the folder name.
    await expect(report.locator('img').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-report.png'), fullPage: true });

    // A zip dropped on the drop zone.
    const shoes = zipSync(Object.fromEntries([...demoPngs('Sneaker', 3), ...demoPngs('Bag', 2)]));
    await drop(page, { 'shoes-and-bags.zip': shoes });
    await outcome(page)
      .getByText(/^Imported shoes-and-bags\.zip: 5 images in 2 classes/)
      .waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('report-skipped').count()).resolves.toBe(0);

    // A dropped file that is neither a folder nor a zip is refused on the page.
    await drop(page, { 'photo.jpg': new Uint8Array(readFileSync(join(SKIMAGE, 'rocket.jpg'))) });
    await expect(page.getByTestId('import-error').textContent()).resolves.toMatch(
      /photo\.jpg is neither a folder nor a \.zip file/,
    );

    // A zip with a single usable class is refused by the worker with the file and the reason.
    await drop(page, { 'one-class.zip': zipSync(Object.fromEntries(demoPngs('Coat', 2))) });
    await expect(page.getByTestId('import-error').textContent()).resolves.toMatch(
      /one-class\.zip could not be imported.*one-class\.zip: needs at least 2 classes with images, found 1/s,
    );
    // …and its report shows what was found.
    await expect(page.getByTestId('report-classes').locator('tbody tr').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^coat.*2$/),
    ]);

    // The bundled demo.
    await page.getByTestId('import-demo').click();
    await outcome(page)
      .getByText(/^Imported Fashion-MNIST demo: 100 images in 10 classes/)
      .waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('report-skipped').count()).resolves.toBe(0);
    expect((await listed(page)).sort()).toEqual([
      'Fashion-MNIST demo',
      'holiday-photos',
      'shoes-and-bags.zip',
    ]);
    await expect(page.locator('.dataset-selected .dataset-name').textContent()).resolves.toBe(
      'Fashion-MNIST demo',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'import.png'), fullPage: true });

    // The datasets live in the browser: a reload lists them again.
    await page.reload();
    await page.getByTestId('dataset').first().waitFor();
    expect((await listed(page)).sort()).toEqual([
      'Fashion-MNIST demo',
      'holiday-photos',
      'shoes-and-bags.zip',
    ]);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it('shows files checked while importing, and Cancel stops it keeping nothing from it', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await openImport(page);
    await page.getByTestId('dataset').first().waitFor(); // the list from the first test
    const before = (await listed(page)).sort();
    expect(before).toHaveLength(3);
    // Enough files that the import is still going when Cancel is pressed.
    const root = join(tmp, 'many');
    const photo = readFileSync(join(SKIMAGE, 'chelsea.png'));
    for (const c of ['a', 'b']) {
      mkdirSync(join(root, c), { recursive: true });
      for (let i = 0; i < 250; i++) writeFileSync(join(root, c, `${i}.png`), photo);
    }
    await page.getByTestId('folder-input').setInputFiles(root);
    await page
      .getByTestId('import-count')
      .getByText(/^\d+ \/ 500 files checked$/)
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'import-progress.png') });
    await page.getByTestId('import-cancel').click();
    await outcome(page)
      .getByText(/^Import of many cancelled\./)
      .waitFor({ timeout: 60_000 });
    expect((await listed(page)).sort()).toEqual(before);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('deletes a dataset (after confirming), and "Use this dataset → Run" selects it and opens Run', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await openImport(page);
    const zipRow = page.getByTestId('dataset').filter({ hasText: 'shoes-and-bags.zip' });
    await zipRow.getByTestId('delete-dataset').click();
    await zipRow.getByTestId('confirm-delete').click();
    await zipRow.waitFor({ state: 'detached' });
    expect((await listed(page)).sort()).toEqual(['Fashion-MNIST demo', 'holiday-photos']);
    await page.reload();
    await page.getByTestId('dataset').first().waitFor();
    expect((await listed(page)).sort()).toEqual(['Fashion-MNIST demo', 'holiday-photos']);

    await page
      .getByTestId('dataset')
      .filter({ hasText: 'holiday-photos' })
      .getByTestId('use-dataset')
      .click();
    await page.waitForURL(/#run$/);
    await expect(page.getByTestId('run-dataset').textContent()).resolves.toMatch(/^holiday-photos: 8 images/);
    // Settings are the paper's here: no hint about the demo's quick settings.
    await expect(page.getByTestId('demo-settings-note').count()).resolves.toBe(0);
    await page.locator('nav').getByRole('link', { name: 'Import' }).click();
    await expect(page.locator('.dataset-selected .dataset-name').textContent()).resolves.toBe(
      'holiday-photos',
    );
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("after the demo's quick settings, Run on another dataset offers the defaults", async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    // The demo left its settings behind (they are remembered across reloads).
    await page.addInitScript((demo) => {
      const c = JSON.parse(localStorage.getItem('autogenda-choices') ?? '{}');
      c.settings = demo;
      localStorage.setItem('autogenda-choices', JSON.stringify(c));
    }, DEMO_SETTINGS);
    await page.goto(URL.replace('#import', '#run'));
    const note = page.getByTestId('demo-settings-note');
    await note.waitFor();
    await expect(page.locator('input[name="steps"]').inputValue()).resolves.toBe('2');
    await note.getByRole('button', { name: 'Use the defaults' }).click();
    await expect(note.count()).resolves.toBe(0);
    // the defaults leave steps to the img2img model (empty field, the model's own)
    await expect(page.locator('input[name="steps"]').inputValue()).resolves.toBe('');
    await expect(page.locator('input[name="steps"]').getAttribute('placeholder')).resolves.toBe("model's");
    await expect(page.locator('input[name="k-local"]').inputValue()).resolves.toBe('2');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('hands picked textual-inversion files to the run, which refuses a token naming no class by its file', async () => {
    const page = await app.ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(URL.replace('#import', '#run'));
    await expect(page.getByTestId('run-dataset').textContent()).resolves.toMatch(/^holiday-photos/);
    await page.getByTestId('ti-files').setInputFiles({
      name: 'dog.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ '<dog>': [0.1, 0.2, 0.3] })),
    });
    await expect(page.getByTestId('ti-chosen').textContent()).resolves.toMatch(/^dog\.json/);
    await page.getByTestId('run-start').click();
    const failed = page.getByTestId('run-error');
    await failed.waitFor({ timeout: 120_000 });
    await expect(failed.textContent()).resolves.toMatch(
      /dog\.json: the textual-inversion token '<dog>' names no class of this dataset \(classes: /,
    );
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

/**
 * The IndexedDB store in real Chromium (not fake-indexeddb): records written on one page load are
 * there, byte for byte, after a reload; a stored image decodes with createImageBitmap; the byte budget
 * and schema migrations behave as in the Node suite (test/unit/store.test.ts).
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hugePngHeader,
  jpg,
  png,
  textAsJpeg,
  truncatedJpeg,
  withOrientation,
  zip,
} from '../support/bad-inputs.ts';
import { devServer, harnessResult, launch } from './browser.ts';

const VITE_PORT = 4540;
let vite: ViteDevServer;
let ctx: BrowserContext;
// biome-ignore lint/suspicious/noExplicitAny: JSON from the page
let written: any;
// biome-ignore lint/suspicious/noExplicitAny: JSON from the page
let read: any;
// biome-ignore lint/suspicious/noExplicitAny: JSON from the page
let imported: any;

const result = (page: Page) => harnessResult<unknown>(page, '__store', '__storeError', 60_000);

beforeAll(async () => {
  vite = await devServer(VITE_PORT);
  ctx = await launch();
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  const url = `http://localhost:${VITE_PORT}/test/e2e/store-harness.html`;
  await page.goto(`${url}?phase=write`);
  written = await result(page);
  await page.goto(`${url}?phase=read`); // a new document on the same origin: only IndexedDB carries over
  await page.reload();
  read = await result(page);
  await page.goto(`${url}?phase=import`);
  await result(page);
  const cut = jpg(64, 64, 3);
  const corpus = zip({
    'Dogs/a.png': png(6, 5, 1),
    'Dogs/b.jpg': withOrientation(jpg(10, 6, 2), 6),
    'Dogs/truncated.jpg': truncatedJpeg(),
    'Dogs/cut.jpg': cut.subarray(0, cut.length - 200), // Chromium would decode this as grey
    'Dogs/text.jpg': textAsJpeg(),
    'Dogs/zero.png': new Uint8Array(0),
    'Dogs/huge.png': hugePngHeader(),
    '猫/x.png': png(3, 3, 4),
    'empty/': new Uint8Array(0),
    '../up.png': png(2, 2, 5),
  });
  imported = await page.evaluate(
    (z) => (window as unknown as { __import: (z: number[]) => Promise<unknown> }).__import(z),
    Array.from(corpus),
  );
}, 120_000);

afterAll(async () => {
  await ctx?.close();
  await vite?.close();
});

describe('IndexedDB store in Chromium', () => {
  it('keeps records across a page reload, bytes exact, and the stored image decodes', () => {
    expect(read.rec).toEqual({
      key: 'ds/red',
      meta: { file: 'rouge/红.png', width: 7, height: 5 },
      size: written.image.length,
    });
    expect(read.image).toEqual(written.image);
    expect(read.decoded).toEqual([7, 5]);
    expect(read.features).toEqual([1.5, -2, 2 ** -140, 2 ** 100]); // a subnormal and a large float32, exact;
    expect(read.runs).toEqual(['run-1']);
    expect(read.usage.find((u: { collection: string }) => u.collection === 'images').count).toBe(1);
  });

  it('refuses a put over the byte budget with QuotaExceededError', () => {
    expect(written.quota).toBe('QuotaExceededError');
  });

  it("imports the bad-input corpus with Chromium's decoder: bad files listed, good ones (WebP too) kept", () => {
    expect(imported.images.map((i: { path: string }) => i.path)).toEqual([
      'Dogs/a.png',
      'Dogs/b.jpg',
      'webp/a.webp',
      '猫/x.png',
    ]);
    // createImageBitmap applies EXIF orientation; the header-derived size says the same.
    expect(imported.images[1]).toMatchObject({ width: 6, height: 10, orientation: 6 });
    expect(imported.images[2]).toMatchObject({ format: 'webp', width: 9, height: 4 });
    const why = Object.fromEntries(
      imported.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]),
    );
    expect(Object.keys(why).sort()).toEqual(
      [
        '../up.png',
        'Dogs/cut.jpg',
        'Dogs/huge.png',
        'Dogs/text.jpg',
        'Dogs/truncated.jpg',
        'Dogs/zero.png',
      ].sort(),
    );
    expect(why['Dogs/cut.jpg']).toBe('truncated JPEG (no end-of-image marker)');
    expect(why['Dogs/huge.png']).toMatch(/50000×50000/);
    expect(imported.emptyClasses).toEqual(['empty']);
    expect(imported.smallClasses).toEqual(['webp', '猫']);
  });

  it('migrates the schema on open and refuses to downgrade', () => {
    expect(read.migrated).toEqual({ meta: { n: 1, v2: true }, data: [9, 8, 7] });
    expect(read.newer).toMatch(/^ConfigError: .*newer AutoGenDA/);
  });
});

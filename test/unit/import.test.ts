/**
 * The acceptance corpus (issue 7) through the whole import, from a real folder on disk and from a
 * zip: every bad file is listed with its reason, every good file is kept (nothing good lost),
 * classes are normalised and merged, and the report names empty and 1-image classes.
 */
import 'fake-indexeddb/auto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StageProgress } from '../../src/core/progress.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { folderSource } from '../../src/pipeline/import/folder.ts';
import { type ImportReport, importDataset } from '../../src/pipeline/import/import.ts';
import { listSource } from '../../src/pipeline/import/list.ts';
import { saveImage, saveReport } from '../../src/pipeline/import/save.ts';
import { zipSource } from '../../src/pipeline/import/zip.ts';
import { openIdbStore } from '../../src/storage/idb.ts';
import {
  hugePngHeader,
  jpg,
  memorySource,
  png,
  textAsJpeg,
  truncatedJpeg,
  withOrientation,
  zip,
} from '../support/bad-inputs.ts';
import { nodeWalker } from '../support/fs-adapter.ts';

const tmp = mkdtempSync(join(tmpdir(), 'autogenda-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cafeNfd = 'Cafe\u0301'; // macOS writes folder names decomposed
/** Good files: every one must come out of import. */
const GOOD: Record<string, Uint8Array> = {
  'Golden_Retriever/a.png': png(6, 5, 1),
  'Golden_Retriever/b.jpg': jpg(8, 8, 2),
  'golden-retriever/c.png': png(4, 4, 3), // same class after normalising: merged
  '猫/ねこ 1.png': png(5, 5, 4),
  '猫/ねこ 2.jpg': withOrientation(jpg(10, 6, 5), 6),
  [`${cafeNfd}/x.png`]: png(3, 3, 6),
  'café/y.png': png(3, 3, 7), // NFC spelling of the same class
  'lonely/only.png': png(4, 3, 8), // a class with 1 image
};
const BAD: Record<string, [Uint8Array, RegExp]> = {
  'Golden_Retriever/truncated.jpg': [truncatedJpeg(), /^truncated JPEG/],
  'Golden_Retriever/text.jpg': [textAsJpeg(), /not a JPEG, PNG or WebP/],
  'Golden_Retriever/zero.png': [new Uint8Array(0), /^empty file \(0 bytes\)$/],
  'Golden_Retriever/huge.png': [hugePngHeader(), /50000×50000 pixels, over the limit.*not decoded/],
  '猫/copy.png': [png(6, 5, 1), /^duplicate of Golden_Retriever\/a\.png$/],
  'stray.png': [png(2, 2, 9), /not inside a class folder/],
};
const EMPTY = 'empty_class';

function expectCorpusHandled(r: ImportReport): void {
  // Nothing good lost: exactly the good files were kept, each once.
  expect(r.images.map((i) => i.path).sort()).toEqual(Object.keys(GOOD).sort());
  // Every bad file listed once, with its reason.
  expect(r.skipped.map((s) => s.path).sort()).toEqual(Object.keys(BAD).sort());
  for (const s of r.skipped) expect(s.reason, s.path).toMatch(BAD[s.path][1]);
  expect(r.classes.map((c) => [c.name, c.count])).toEqual([
    ['café', 2],
    ['golden retriever', 3],
    ['lonely', 1],
    ['猫', 2],
  ]);
  expect(r.classes.find((c) => c.name === 'golden retriever')?.folders.sort()).toEqual([
    'Golden_Retriever',
    'golden-retriever',
  ]);
  expect(r.emptyClasses).toEqual([EMPTY]);
  expect(r.smallClasses).toEqual(['lonely']);
  const rotated = r.images.find((i) => i.path === '猫/ねこ 2.jpg');
  expect(rotated).toMatchObject({ format: 'jpeg', width: 6, height: 10, orientation: 6, className: '猫' });
  expect(new Set(r.images.map((i) => i.hash)).size).toBe(r.images.length);
}

describe('importDataset: the bad-input corpus', () => {
  it('from a folder of class sub-folders on disk', async () => {
    const root = join(tmp, 'folder');
    for (const [p, b] of Object.entries({
      ...GOOD,
      ...Object.fromEntries(Object.entries(BAD).map(([k, v]) => [k, v[0]])),
    })) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), b);
    }
    mkdirSync(join(root, EMPTY));
    writeFileSync(join(root, 'lonely', '.DS_Store'), 'x'); // hidden litter: ignored, not reported
    const progress: StageProgress[] = [];
    const r = await importDataset(await folderSource(root, nodeWalker()), {
      decoder: jsDecoder,
      onProgress: (p) => progress.push(p),
    });
    expectCorpusHandled(r);
    expect(progress[0]).toMatchObject({ stage: 'import', done: 0, total: 14 });
    expect(progress.at(-1)).toMatchObject({ done: 14, total: 14 });
  });

  it("from a zip, which also carries '../' entries", async () => {
    const files = { ...GOOD, ...Object.fromEntries(Object.entries(BAD).map(([k, v]) => [k, v[0]])) };
    const z = zip({
      ...files,
      [`${EMPTY}/`]: new Uint8Array(0),
      '../escape.png': png(2, 2, 10),
      'cat/../../x.png': png(2, 2, 11),
    });
    const r = await importDataset(zipSource('data.zip', z), { decoder: jsDecoder });
    const unsafe = r.skipped.filter((s) => /unsafe path/.test(s.reason)).map((s) => s.path);
    expect(unsafe.sort()).toEqual(['../escape.png', 'cat/../../x.png']);
    expectCorpusHandled({ ...r, skipped: r.skipped.filter((s) => !unsafe.includes(s.path)) });
  });
});

describe('importDataset: other behaviour', () => {
  it('is deterministic: the same files in any order give the same report', async () => {
    const a = await importDataset(memorySource('a', GOOD), { decoder: jsDecoder });
    const rev = Object.fromEntries(Object.entries(GOOD).reverse());
    const b = await importDataset(memorySource('a', rev), { decoder: jsDecoder });
    expect(b).toEqual(a);
  });

  it('lists a file the decoder rejects (header fine, data corrupt) with the decoder reason', async () => {
    const bad = png(16, 16, 12);
    bad.fill(0x55, 41, bad.length - 12);
    const r = await importDataset(memorySource('m', { 'a/bad.png': bad, 'a/ok.png': png(2, 2, 1) }), {
      decoder: jsDecoder,
    });
    expect(r.skipped).toEqual([
      { path: 'a/bad.png', reason: expect.stringMatching(/^PNG cannot be decoded \(/) },
    ]);
    expect(r.images.map((i) => i.path)).toEqual(['a/ok.png']);
  });

  it('refuses a class folder whose name normalises to nothing, and files over the size limit', async () => {
    const r = await importDataset(
      memorySource('m', { '___/a.png': png(2, 2, 1), 'b/big.png': png(40, 40, 2) }),
      {
        decoder: jsDecoder,
        limits: { maxFileBytes: 1000 },
      },
    );
    expect(r.skipped).toEqual([
      { path: '___/a.png', reason: "class folder '___' has no usable name" },
      { path: 'b/big.png', reason: expect.stringMatching(/over the 0\.\d+ MB limit|MB, over the/) },
    ]);
    expect(r.emptyClasses).toEqual(['___', 'b']);
  });

  it('attaches imported captions (root captions.csv) by path, folder-prefixed path or unique file name', async () => {
    const csv = [
      'image,caption',
      'Golden_Retriever/a.png,a dog on grass',
      'dataset/lonely/only.png,"a lone thing, waiting"',
      'c.png,a small dog',
      'nowhere/missing.png,lost',
    ].join('\n');
    const src = memorySource('dataset', { ...GOOD, 'captions.csv': new TextEncoder().encode(csv) });
    const r = await importDataset(src, { decoder: jsDecoder });
    expect(r.captions).toEqual({
      file: 'captions.csv',
      attached: 3,
      unmatched: ['nowhere/missing.png'],
      missing: 5,
    });
    expect(r.images.find((i) => i.path === 'golden-retriever/c.png')?.caption).toBe('a small dog');
    expect(r.images.find((i) => i.path === 'lonely/only.png')?.caption).toBe('a lone thing, waiting');
    expect(r.skipped).toEqual([]); // the captions file is not a bad image
  });

  it('reports an unreadable captions file instead of failing the import', async () => {
    const r = await importDataset(memorySource('d', GOOD), {
      decoder: jsDecoder,
      captions: { name: 'c.json', text: '{oops' },
    });
    expect(r.captions).toMatchObject({
      attached: 0,
      error: expect.stringMatching(/^c\.json: is not valid JSON/),
    });
    expect(r.images).toHaveLength(Object.keys(GOOD).length);
  });

  it('imports from a CSV list of files and classes, refusing rows that name missing files', async () => {
    const files = memorySource('pics', {
      'p/1.png': png(2, 2, 1),
      'p/2.png': png(2, 2, 2),
      'p/3.png': png(2, 2, 3),
    });
    const list = 'file,label\np/1.png,Sea_Lion\np/2.png,sea lion\np/3.png,owl\np/9.png,owl\n';
    const r = await importDataset(listSource('list.csv', list, files), { decoder: jsDecoder });
    expect(r.classes.map((c) => [c.name, c.count])).toEqual([
      ['owl', 1],
      ['sea lion', 2],
    ]);
    expect(r.skipped).toEqual([{ path: 'p/9.png', reason: 'list.csv row 5: no such file in pics' }]);
    expect(r.smallClasses).toEqual(['owl']);
    const json = listSource('l.json', JSON.stringify({ 'p/1.png': 'a', 'p/2.png': 'b' }), files);
    expect(json.entries.map((e) => [e.path, e.label])).toEqual([
      ['p/1.png', 'a'],
      ['p/2.png', 'b'],
    ]);
    expect(() => listSource('bad.csv', 'x,y\n1,2\n', files)).toThrow(
      /bad\.csv: header must name an image column/,
    );
  });

  it('stops with CancelledError when aborted', async () => {
    const ac = new AbortController();
    const run = importDataset(memorySource('d', GOOD), {
      decoder: jsDecoder,
      signal: ac.signal,
      onProgress: (p) => p.done === 2 && ac.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'CancelledError' });
  });

  it('saves images, captions and the report into a Store, keyed by content hash', async () => {
    const store = await openIdbStore({ name: 'import-save' });
    const r = await importDataset(memorySource('d', GOOD), {
      decoder: jsDecoder,
      captions: { name: 'c.json', text: JSON.stringify({ 'lonely/only.png': 'one of a kind' }) },
      onImage: saveImage(store, 'ds1'),
    });
    await saveReport(store, 'ds1', r);
    const only = r.images.find((i) => i.path === 'lonely/only.png')!;
    expect(await store.data('images', `ds1/${only.hash}`)).toEqual(GOOD['lonely/only.png']);
    expect((await store.get('images', `ds1/${only.hash}`))?.meta).toMatchObject({
      className: 'lonely',
      width: 4,
    });
    expect((await store.get('captions', `ds1/${only.hash}`))?.meta).toEqual({
      caption: 'one of a kind',
      source: 'imported',
    });
    const ds = await store.get('datasets', 'ds1');
    expect(ds?.meta).toMatchObject({
      smallClasses: ['lonely'],
      imageKeys: expect.arrayContaining([`ds1/${only.hash}`]),
    });
    expect(await store.keys('images', 'ds1/')).toHaveLength(Object.keys(GOOD).length);
  });
});

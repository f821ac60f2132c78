/**
 * The app's dataset store (src/pipeline/app/datasets.ts) on the IndexedDB store (fake-indexeddb):
 * picked files, zips and the bundled demo import with bad files reported; the record outlives the
 * Files (a run reads the images back from the store); re-importing the same images gives the same
 * dataset; a refused import names the reasons and loses nothing already imported; delete frees only
 * images no other dataset holds.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/core/errors.ts';
import type { StageProgress } from '../../src/core/progress.ts';
import type { DatasetInput, PickedFile } from '../../src/pipeline/app/contract.ts';
import {
  deleteDataset,
  type ImportInputOptions,
  importInput,
  listDatasets,
  pickedSource,
  storedSource,
} from '../../src/pipeline/app/datasets.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { importDataset } from '../../src/pipeline/import/import.ts';
import { IMAGE_PREFIX } from '../../src/pipeline/run.ts';
import { openIdbStore } from '../../src/storage/idb.ts';
import { jpg, png, textAsJpeg, zip } from '../support/bad-inputs.ts';

let n = 0;
/** importInput that must store a dataset (fails the test with the refusal otherwise). */
async function importOk(...args: Parameters<typeof importInput>) {
  const out = await importInput(...args);
  if (!out.dataset) throw new Error(`refused: ${out.refused}`);
  return out;
}
const freshStore = () => openIdbStore({ name: `app-datasets-${n++}` });
const DEMO_ZIP = new URL('../../public/demo/fashion-mnist-demo.zip', import.meta.url);

const options = (o: Partial<ImportInputOptions> = {}): ImportInputOptions => ({
  decoder: jsDecoder,
  demoZip: async () => ({ name: 'Fashion-MNIST demo', bytes: new Uint8Array(readFileSync(DEMO_ZIP)) }),
  ...o,
});

const picked = (files: Record<string, Uint8Array>): PickedFile[] =>
  Object.entries(files).map(([path, bytes]) => ({ path, file: new File([bytes as BlobPart], path) }));

const filesInput = (name: string, files: Record<string, Uint8Array>): DatasetInput => ({
  kind: 'files',
  name,
  files: picked(files),
});

const GOOD = {
  'cats/a.png': png(6, 5, 1),
  'cats/b.jpg': jpg(8, 8, 2),
  'dogs/c.png': png(4, 4, 3),
  'dogs/d.png': png(5, 5, 4),
  'owls/only.png': png(3, 3, 5),
};

describe('importInput', () => {
  it('imports picked files: bad ones reported with reasons, good ones stored by hash and listed', async () => {
    const store = await freshStore();
    const events: StageProgress[] = [];
    const out = await importOk(
      store,
      filesInput('pets', {
        ...GOOD,
        'cats/notes.jpg': textAsJpeg(),
        'dogs/empty.png': new Uint8Array(0),
        'dogs/copy.png': png(4, 4, 3), // same bytes as dogs/c.png
        'ghosts/readme.jpg': textAsJpeg(), // a folder left with no usable image
        'loose.png': png(2, 2, 9),
        'cats/.DS_Store': new Uint8Array(4), // litter: dropped without a word
        '../escape.png': png(2, 2, 10),
      }),
      options({ onProgress: (p) => events.push(p) }),
    );
    const { report, dataset } = out;
    expect(report.classes).toEqual([
      { name: 'cats', folders: ['cats'], count: 2 },
      { name: 'dogs', folders: ['dogs'], count: 2 },
      { name: 'owls', folders: ['owls'], count: 1 },
    ]);
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.path, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual([
      '../escape.png',
      'cats/notes.jpg',
      'dogs/copy.png',
      'dogs/empty.png',
      'ghosts/readme.jpg',
      'loose.png',
    ]);
    expect(reasons['../escape.png']).toMatch(/unsafe path/);
    expect(reasons['dogs/copy.png']).toBe('duplicate of dogs/c.png');
    expect(reasons['loose.png']).toBe('not inside a class folder');
    for (const p of ['cats/notes.jpg', 'dogs/empty.png', 'ghosts/readme.jpg'])
      expect(reasons[p]).toBeTruthy();
    expect(report.emptyClasses).toEqual(['ghosts']);
    expect(report.smallClasses).toEqual(['owls']);
    expect(report.captioned).toBe(0);
    expect(dataset).toMatchObject({
      name: 'pets',
      images: 5,
      demo: false,
      classes: [
        { name: 'cats', count: 2 },
        { name: 'dogs', count: 2 },
        { name: 'owls', count: 1 },
      ],
    });
    expect(dataset.id).toMatch(/^[0-9a-f]{16}$/);
    expect(await store.keys('images', `${IMAGE_PREFIX}/`)).toHaveLength(5);
    expect(await listDatasets(store)).toEqual([dataset]);
    expect(events.at(-1)).toMatchObject({ stage: 'import', done: events.at(-1)?.total, unit: 'files' });
    expect(events.length).toBeGreaterThan(2);
    await store.close();
  });

  it('keeps the dataset after the Files are gone: storedSource re-imports the same report from the store', async () => {
    const store = await freshStore();
    const captions = JSON.stringify({ 'cats/a.png': 'a photo of a cat which sleeps' });
    const out = await importOk(
      store,
      filesInput('pets', { ...GOOD, 'captions.json': new TextEncoder().encode(captions) }),
      options(),
    );
    expect(out.report.captioned).toBe(1);
    await store.close();

    const reopened = await openIdbStore({ name: `app-datasets-${n - 1}` });
    const src = await storedSource(reopened, out.dataset.id);
    expect(src.name).toBe('pets');
    const again = await importDataset(src, { decoder: jsDecoder });
    expect(again.skipped).toEqual([]);
    expect(again.classes.map((c) => [c.name, c.count])).toEqual([
      ['cats', 2],
      ['dogs', 2],
      ['owls', 1],
    ]);
    expect(again.images.find((i) => i.path === 'cats/a.png')?.caption).toBe('a photo of a cat which sleeps');
    expect(new Set(again.images.map((i) => i.hash)).size).toBe(5);
    await reopened.close();
  });

  it('imports a zip, and the bundled demo (10 classes × 10, its README/LICENSE not reported)', async () => {
    const store = await freshStore();
    const z = zip({
      'a/1.png': png(4, 4, 21),
      'b/2.png': png(4, 4, 22),
      'b/3.png': png(4, 4, 23),
      'c/': new Uint8Array(0),
    });
    const fromZip = await importOk(
      store,
      { kind: 'zip', name: 'abc.zip', file: new File([z as BlobPart], 'abc.zip') },
      options(),
    );
    expect(fromZip.report.source).toBe('abc.zip');
    expect(fromZip.dataset.classes).toEqual([
      { name: 'a', count: 1 },
      { name: 'b', count: 2 },
    ]);
    expect(fromZip.report.emptyClasses).toEqual(['c']);

    const demo = await importOk(
      store,
      { kind: 'demo', url: 'http://app.test/demo/fashion-mnist-demo.zip' },
      options(),
    );
    expect(demo.dataset.demo).toBe(true);
    expect(demo.dataset.images).toBe(100);
    expect(demo.dataset.classes.map((c) => c.count)).toEqual(Array(10).fill(10));
    expect(demo.report.skipped).toEqual([]);
    expect((await listDatasets(store)).map((d) => d.id).sort()).toEqual(
      [demo.dataset.id, fromZip.dataset.id].sort(),
    );
    await store.close();
  });

  it('gives the same images the same dataset id: importing twice lists it once', async () => {
    const store = await freshStore();
    const a = await importOk(store, filesInput('first', GOOD), options());
    const b = await importOk(store, filesInput('first', GOOD), options());
    expect(b.dataset.id).toBe(a.dataset.id);
    expect(await listDatasets(store)).toHaveLength(1);
    await store.close();
  });

  it('refuses a dataset with under 2 classes, naming the skip reasons, and keeps earlier datasets', async () => {
    const store = await freshStore();
    const kept = await importOk(store, filesInput('good', GOOD), options());
    const bad = await importInput(
      store,
      filesInput('one-class', { 'cats/x.png': png(4, 4, 31), 'dogs/bad.jpg': textAsJpeg() }),
      options(),
    );
    // Refused with the whole report: what was found and why the rest was skipped.
    expect(bad.dataset).toBeUndefined();
    expect(bad.refused).toMatch(/^one-class: needs at least 2 classes with images, found 1 \('cats'\)/);
    expect(bad.refused).toMatch(/1 files skipped \(dogs\/bad\.jpg: /);
    expect(bad.report.classes.map((c) => c.name)).toEqual(['cats']);
    expect(bad.report.skipped.map((x) => x.path)).toEqual(['dogs/bad.jpg']);
    expect(await listDatasets(store)).toEqual([kept.dataset]);
    // Its own image went again; the kept dataset's are all there.
    expect(await store.keys('images', `${IMAGE_PREFIX}/`)).toHaveLength(5);
    expect(
      await importDataset(await storedSource(store, kept.dataset.id), { decoder: jsDecoder }),
    ).toMatchObject({
      skipped: [],
    });
    await store.close();
  });

  it('stops at once when cancelled, recording no dataset', async () => {
    const store = await freshStore();
    const ac = new AbortController();
    ac.abort();
    await expect(
      importInput(store, filesInput('pets', GOOD), options({ signal: ac.signal })),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(await listDatasets(store)).toEqual([]);
    await store.close();
  });
});

describe('listDatasets / deleteDataset / storedSource', () => {
  it('lists newest first; delete frees only the images no other dataset holds', async () => {
    const store = await freshStore();
    const first = await importOk(store, filesInput('first', GOOD), options());
    await new Promise((r) => setTimeout(r, 5)); // distinct importedAt
    const second = await importOk(
      store,
      filesInput('second', { 'cats/a.png': GOOD['cats/a.png'], 'bats/z.png': png(4, 4, 41) }),
      options(),
    );
    expect((await listDatasets(store)).map((d) => d.name)).toEqual(['second', 'first']);
    expect(await store.keys('images', `${IMAGE_PREFIX}/`)).toHaveLength(6);

    expect(await deleteDataset(store, first.dataset.id)).toBe(4); // cats/a.png is shared with 'second'
    expect((await listDatasets(store)).map((d) => d.name)).toEqual(['second']);
    expect(await store.keys('images', `${IMAGE_PREFIX}/`)).toHaveLength(2);
    const src = await storedSource(store, second.dataset.id);
    const r = await importDataset(src, { decoder: jsDecoder });
    expect(r.skipped).toEqual([]);
    expect(r.images).toHaveLength(2);

    expect(await deleteDataset(store, 'no-such-id')).toBe(0);
    await expect(storedSource(store, first.dataset.id)).rejects.toThrow(/not in this browser any more/);
    await store.close();
  });
});

describe('pickedSource', () => {
  it('applies the archive path rules to picked paths', () => {
    const f = (path: string): PickedFile => ({ path, file: new File([new Uint8Array(1)], 'x') });
    const src = pickedSource('d', [
      f('cats\\win.png'),
      f('./cats/dot.png'),
      f('/abs.png'),
      f('cats/../../up.png'),
      f('__MACOSX/cats/._a.png'),
      f('cats/.hidden.png'),
    ]);
    expect(src.entries.map((e) => e.path)).toEqual(['cats/win.png', 'cats/dot.png']);
    expect(src.refused.map((r) => r.path)).toEqual(['/abs.png', 'cats/../../up.png']);
  });

  it('passes on dropped empty folders under the same rules', () => {
    const src = pickedSource('d', [], ['empty', 'a/../../x', '.git', 'deep/empty']);
    expect(src.emptyFolders).toEqual(['empty', 'deep/empty']);
  });
});

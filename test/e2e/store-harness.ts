// The IndexedDB store in real Chromium: `?phase=write` stores records, `?phase=read` (after a reload)
// reads them back. Results on window.__store (or __storeError).
import { browserDecoder } from '../../src/pipeline/import/decode-browser.ts';
import { importDataset } from '../../src/pipeline/import/import.ts';
import { zipSource } from '../../src/pipeline/import/zip.ts';
import { openIdbStore } from '../../src/storage/idb.ts';
import type { Schema } from '../../src/storage/schema.ts';

const w = window as unknown as {
  __store?: unknown;
  __storeError?: string;
  __import?: (zip: number[]) => Promise<unknown>;
};
const phase = new URLSearchParams(location.search).get('phase');

const v1: Schema<'items'> = {
  version: 1,
  collections: ['items'],
  migrations: [{ to: 1, create: ['items'] }],
};
const v2: Schema<'items'> = {
  version: 2,
  collections: ['items'],
  migrations: [
    ...v1.migrations,
    { to: 2, mapMeta: { collection: 'items', fn: (m) => ({ ...m, v2: true }) } },
  ],
};

async function png(): Promise<Uint8Array> {
  const c = new OffscreenCanvas(7, 5);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(0, 0, 7, 5);
  return new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

async function write() {
  const s = await openIdbStore({ name: 'autogenda-e2e' });
  const image = await png();
  await s.put('images', 'ds/red', { file: 'rouge/红.png', width: 7, height: 5 }, image);
  const feats = new Float32Array([1.5, -2, 2 ** -140, 2 ** 100]);
  await s.put('features', 'ds/red/backbone', { dim: 4 }, new Uint8Array(feats.buffer));
  await s.put('runs', 'run-1', { stage: 'features', done: 1 });
  await s.close();
  const q = await openIdbStore({ name: 'autogenda-e2e-quota', maxBytes: 1000 });
  const quota = await q.put('candidates', 'c', {}, new Uint8Array(2000)).catch((e: Error) => e.name);
  await q.close();
  const m = await openIdbStore({ name: 'autogenda-e2e-migrate', schema: v1 });
  await m.put('items', 'a', { n: 1 }, new Uint8Array([9, 8, 7]));
  await m.close();
  return { image: Array.from(image), quota };
}

async function read() {
  const s = await openIdbStore({ name: 'autogenda-e2e' });
  const rec = await s.get('images', 'ds/red');
  const bytes = await s.data('images', 'ds/red');
  const bmp = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  const f = await s.data('features', 'ds/red/backbone');
  const out = {
    rec,
    image: Array.from(bytes ?? []),
    decoded: [bmp.width, bmp.height],
    features: Array.from(new Float32Array(f!.buffer, f!.byteOffset, 4)),
    runs: await s.keys('runs'),
    usage: await s.usage(),
  };
  await s.close();
  const m = await openIdbStore({ name: 'autogenda-e2e-migrate', schema: v2 });
  const migrated = {
    meta: (await m.get('items', 'a'))?.meta,
    data: Array.from((await m.data('items', 'a')) ?? []),
  };
  await m.close();
  const newer = await openIdbStore({ name: 'autogenda-e2e-migrate', schema: v1 }).then(
    () => 'opened',
    (e: Error) => `${e.name}: ${e.message}`,
  );
  return { ...out, migrated, newer };
}

/** The import of a zip (built in Node) with the browser's own decoder, plus a WebP made here. */
w.__import = async (zipBytes) => {
  const src = zipSource('corpus.zip', Uint8Array.from(zipBytes));
  const c = new OffscreenCanvas(9, 4);
  c.getContext('2d')!.fillRect(0, 0, 9, 4);
  const webp = new Uint8Array(await (await c.convertToBlob({ type: 'image/webp' })).arrayBuffer());
  src.entries.push({ path: 'webp/a.webp', size: webp.length, read: async () => webp });
  const r = await importDataset(src, { decoder: browserDecoder });
  return { ...r, images: r.images.map(({ hash: _h, ...i }) => i) };
};

if (phase === 'import') w.__store = 'ready';
else
  (phase === 'write' ? write() : read()).then(
    (r) => {
      w.__store = r;
    },
    (e: Error) => {
      w.__storeError = `${e.name}: ${e.message}\n${e.stack}`;
    },
  );

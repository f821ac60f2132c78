/**
 * One Store test suite, run against both implementations: IndexedDB (fake-indexeddb behind idb) and
 * the file-system store on a temp dir. The same behaviour is what lets the CLI and the web app share
 * the pipeline. (The idb store in real Chromium: test/e2e/store.test.ts.)
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFsStore } from '../../src/storage/fs.ts';
import { openIdbStore } from '../../src/storage/idb.ts';
import { isQuotaError } from '../../src/storage/quota.ts';
import { COLLECTIONS, type Migration, type Schema } from '../../src/storage/schema.ts';
import type { Store, StoreOptions } from '../../src/storage/store.ts';
import { enospc, nodeFs } from '../support/fs-adapter.ts';

const tmp = mkdtempSync(join(tmpdir(), 'autogenda-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

interface Backend {
  /** A fresh store, or the same one again when `id` repeats (reopen after close). */
  open<C extends string>(id: string, o?: StoreOptions & { schema?: Schema<C> }): Promise<Store<C>>;
}

const backends: Record<string, Backend> = {
  idb: { open: (id, o) => openIdbStore({ name: `t-${id}`, ...o }) },
  fs: { open: (id, o) => openFsStore(nodeFs(), join(tmp, id), o) },
};

const bytes = (len: number, seed = 1) => Uint8Array.from({ length: len }, (_, i) => (i * 31 + seed) & 255);

for (const [name, b] of Object.entries(backends)) {
  describe(`Store (${name})`, () => {
    const fresh = () => b.open(`${name}-${n++}`);

    it('has every pipeline collection, and round-trips metadata and bytes exactly', async () => {
      const s = await fresh();
      for (const c of COLLECTIONS) expect(await s.keys(c)).toEqual([]);
      const img = bytes(1000);
      await s.put('images', 'ds1/abc', { file: 'cats/ünï 1.jpg', width: 3, height: 2, tags: [1, null] }, img);
      await s.put('captions', 'ds1/abc', { caption: 'a photo of a cat which sits' });
      const r = await s.get('images', 'ds1/abc');
      expect(r).toEqual({
        key: 'ds1/abc',
        meta: { file: 'cats/ünï 1.jpg', width: 3, height: 2, tags: [1, null] },
        size: 1000,
      });
      expect(await s.data('images', 'ds1/abc')).toEqual(img);
      expect(await s.data('captions', 'ds1/abc')).toBeUndefined();
      expect(await s.get('images', 'nope')).toBeUndefined();
      expect(await s.has('captions', 'ds1/abc')).toBe(true);
      expect(await s.has('features', 'ds1/abc')).toBe(false);
      await s.close();
    });

    it('replaces a record wholly: new bytes, or none', async () => {
      const s = await fresh();
      await s.put('features', 'k', { v: 1 }, bytes(10));
      await s.put('features', 'k', { v: 2 }, bytes(4, 9));
      expect((await s.get('features', 'k'))?.meta).toEqual({ v: 2 });
      expect(await s.data('features', 'k')).toEqual(bytes(4, 9));
      await s.put('features', 'k', { v: 3 });
      expect(await s.data('features', 'k')).toBeUndefined();
      expect((await s.get('features', 'k'))?.size).toBe(0);
    });

    it('lists keys sorted and by prefix (including odd characters and very long keys), and deletes by prefix', async () => {
      const s = await fresh();
      const long = `run1/${'x'.repeat(400)}`;
      const keys = ['run1/b', 'run1/a', 'run2/a', 'run1/ü ñ%2F~.json', long, 'run10/a'];
      for (const k of keys) await s.put('runs', k, { k });
      expect(await s.keys('runs')).toEqual([...keys].sort());
      expect(await s.keys('runs', 'run1/')).toEqual(['run1/a', 'run1/b', long, 'run1/ü ñ%2F~.json'].sort());
      expect((await s.get('runs', long))?.meta).toEqual({ k: long });
      expect(await s.deletePrefix('runs', 'run1/')).toBe(4);
      expect(await s.keys('runs')).toEqual(['run10/a', 'run2/a']);
      await s.delete('runs', 'run2/a');
      await s.delete('runs', 'never-there');
      expect(await s.keys('runs')).toEqual(['run10/a']);
    });

    it('keeps everything across close and reopen', async () => {
      const id = `${name}-reopen`;
      const s = await b.open(id);
      await s.put('policies', 'p', { alpha: [0.5, 0.25] });
      await s.put('reports', 'r', { md: '# report' }, bytes(77));
      await s.close();
      const t = await b.open(id);
      expect((await t.get('policies', 'p'))?.meta).toEqual({ alpha: [0.5, 0.25] });
      expect(await t.data('reports', 'r')).toEqual(bytes(77));
      expect((await t.usage()).find((u) => u.collection === 'reports')?.count).toBe(1);
      await t.close();
    });

    it('counts usage per collection, largest first, and updates it on put and delete', async () => {
      const s = await fresh();
      await s.put('candidates', 'a', {}, bytes(5000));
      await s.put('candidates', 'b', {}, bytes(3000));
      await s.put('captions', 'a', { c: 'x' });
      let u = await s.usage();
      expect(u[0]).toMatchObject({ collection: 'candidates', count: 2 });
      expect(u[0].bytes).toBeGreaterThanOrEqual(8000);
      await s.delete('candidates', 'a');
      u = await s.usage();
      expect(u.find((x) => x.collection === 'candidates')).toMatchObject({ count: 1 });
      expect(u.find((x) => x.collection === 'candidates')!.bytes).toBeLessThan(3100);
    });

    it('refuses a put over the byte budget with QuotaExceededError naming what to delete, and keeps the rest', async () => {
      const s = await b.open(`${name}-quota`, { maxBytes: 20_000 });
      await s.put('candidates', 'c1', { seed: 1 }, bytes(12_000));
      await s.put('images', 'i1', {}, bytes(3000));
      const err = await s.put('features', 'f1', {}, bytes(6000)).catch((e) => e);
      expect(err?.name).toBe('QuotaExceededError');
      expect(err.message).toMatch(/features\/f1/);
      expect(err.message).toMatch(/candidates 12 kB \(1 items\)/);
      expect(err.message.indexOf('candidates')).toBeLessThan(err.message.indexOf('images'));
      expect(err.message).toMatch(/Delete old runs or generated candidates/);
      expect(await s.has('features', 'f1')).toBe(false);
      // Freeing space (what the message says to do) makes the same put succeed.
      await s.deletePrefix('candidates', '');
      await s.put('features', 'f1', {}, bytes(6000));
      expect(await s.data('features', 'f1')).toEqual(bytes(6000));
    });

    it('migrates an older store step by step, rewriting metadata and keeping bytes; refuses a newer one', async () => {
      const id = `${name}-migrate`;
      const v1: Schema<'items'> = {
        version: 1,
        collections: ['items'],
        migrations: [{ to: 1, create: ['items'] }],
      };
      const s1 = await b.open(id, { schema: v1 });
      await s1.put('items', 'a', { w: 2 }, bytes(9));
      await s1.put('items', 'b', { w: 3 });
      await s1.close();
      const m2: Migration = {
        to: 2,
        mapMeta: { collection: 'items', fn: (m, k) => ({ ...m, width: m.w, key: k }) },
      };
      const m3: Migration = { to: 3, create: ['extra'] };
      const v3: Schema<'items' | 'extra'> = {
        version: 3,
        collections: ['items', 'extra'],
        migrations: [...v1.migrations, m2, m3],
      };
      const s3 = await b.open(id, { schema: v3 });
      expect((await s3.get('items', 'a'))?.meta).toEqual({ w: 2, width: 2, key: 'a' });
      expect((await s3.get('items', 'b'))?.meta).toEqual({ w: 3, width: 3, key: 'b' });
      expect(await s3.data('items', 'a')).toEqual(bytes(9));
      await s3.put('extra', 'e', { ok: true });
      await s3.close();
      const again = await b.open(id, { schema: v3 }); // no migration re-runs
      expect((await again.get('items', 'a'))?.meta).toEqual({ w: 2, width: 2, key: 'a' });
      await again.close();
      await expect(b.open(id, { schema: v1 })).rejects.toThrow(/newer AutoGenDA/);
    });

    it('a failing migration rejects the open and leaves the store at its old version with its data', async () => {
      const id = `${name}-badmigrate`;
      const v1: Schema<'items'> = {
        version: 1,
        collections: ['items'],
        migrations: [{ to: 1, create: ['items'] }],
      };
      const s1 = await b.open(id, { schema: v1 });
      await s1.put('items', 'a', { w: 2 });
      await s1.close();
      const boom: Migration = {
        to: 2,
        mapMeta: {
          collection: 'items',
          fn: () => {
            throw new Error('migration bug');
          },
        },
      };
      await expect(
        b.open(id, { schema: { version: 2, collections: ['items'], migrations: [...v1.migrations, boom] } }),
      ).rejects.toThrow('migration bug');
      const again = await b.open(id, { schema: v1 });
      expect((await again.get('items', 'a'))?.meta).toEqual({ w: 2 });
      await again.close();
    });
  });
}

describe('quota errors from the platform', () => {
  it('recognises IndexedDB/OPFS and file-system "full" errors, and nothing else', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(enospc('/x'))).toBe(true);
    expect(isQuotaError(Object.assign(new Error('x'), { code: 'EDQUOT' }))).toBe(true);
    expect(isQuotaError(new Error('ENOENT: no such file'))).toBe(false);
    expect(isQuotaError(new DOMException('x', 'DataError'))).toBe(false);
    expect(isQuotaError(undefined)).toBe(false);
  });

  it('the fs store turns a full disk into QuotaExceededError and leaves no half record', async () => {
    let full = false;
    const fs = nodeFs((_op, p) => {
      if (full && p.endsWith('.json')) throw enospc(p); // the bytes fit, the commit record does not
    });
    const dir = join(tmp, 'full');
    const s = await openFsStore(fs, dir);
    await s.put('images', 'ok', { a: 1 }, bytes(100));
    full = true;
    const err = await s.put('images', 'big', {}, bytes(200)).catch((e) => e);
    expect(err?.name).toBe('QuotaExceededError');
    expect(err.message).toMatch(/images\/big.*Largest stored: images/);
    expect(await s.has('images', 'big')).toBe(false);
    expect(await s.keys('images')).toEqual(['ok']);
    full = false;
    // A stray .bin from the failed put is invisible; a .tmp left by a crash is ignored too.
    writeFileSync(join(dir, 'images', 'ok.json.123.0.tmp'), '{');
    expect(await s.keys('images')).toEqual(['ok']);
    expect(readdirSync(join(dir, 'images')).some((f) => f.startsWith('big'))).toBe(true);
  });

  it('the fs store makes a deleted collection folder again (a user redoing a stage by deleting it)', async () => {
    const dir = join(tmp, 'redo');
    const s = await openFsStore(nodeFs(), dir);
    rmSync(join(dir, 'runs'), { recursive: true });
    await s.put('runs', 'r1', { a: 1 }, bytes(8));
    expect(await s.keys('runs')).toEqual(['r1']);
    expect((await s.data('runs', 'r1'))?.length).toBe(8);
  });
});

/**
 * The file-system store under several writers (sharded runs on one shared folder): interleaved puts of
 * the same keys leave one whole value each, readers meanwhile see whole values only, records of the
 * older layout (`<name>.bin`) stay readable, and what a crashed writer leaves is ignored, then swept.
 * (Separate Deno processes on one folder: test/e2e/store-processes.test.ts.)
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileNameOf, openFsStore } from '../../src/storage/fs.ts';
import { sweepFsStore } from '../../src/storage/fs-sweep.ts';
import { COLLECTIONS } from '../../src/storage/schema.ts';
import { nodeFs } from '../support/fs-adapter.ts';
import { checkBytes, checkValue, makeValue } from '../support/store-values.ts';

const tmp = mkdtempSync(join(tmpdir(), 'autogenda-store-cc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('file-system store, several writers', () => {
  it('interleaved writers of overlapping keys leave one whole value per key; readers never see a torn one', async () => {
    const dir = join(tmp, 'race');
    const KEYS = 12;
    // Each writer opens its own store object, as separate processes would.
    const writers = await Promise.all([0, 1, 2, 3].map(() => openFsStore(nodeFs(), dir)));
    const reader = await openFsStore(nodeFs(), dir);
    let done = false;
    const problems: string[] = [];
    let reads = 0;
    const readLoop = (async () => {
      while (!done) {
        for (let k = 0; k < KEYS; k++) {
          const rec = await reader.get('candidates', `c/${k}`);
          if (!rec) continue;
          // get() and data() are two reads: another writer may replace the record in between, so
          // here only each on its own must be whole (the pair is checked once the writers are done).
          if (rec.meta.key !== k || rec.size !== rec.meta.len)
            problems.push(`head of ${k}: ${JSON.stringify(rec)}`);
          const bad = checkBytes(k, await reader.data('candidates', `c/${k}`));
          if (bad) problems.push(bad);
          reads++;
        }
      }
    })();
    await Promise.all(
      writers.map(async (s, w) => {
        for (let round = 0; round < 4; round++)
          for (let i = 0; i < KEYS; i++) {
            const k = (i + w * 3) % KEYS; // overlapping keys, in a different order per writer
            const v = makeValue(w, round, k);
            await s.put('candidates', `c/${k}`, v.meta, v.data);
          }
      }),
    );
    done = true;
    await readLoop;
    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    const fresh = await openFsStore(nodeFs(), dir);
    expect(await fresh.keys('candidates')).toHaveLength(KEYS);
    for (let k = 0; k < KEYS; k++) {
      const rec = await fresh.get('candidates', `c/${k}`);
      expect(checkValue(k, rec, await fresh.data('candidates', `c/${k}`))).toBeUndefined();
    }
    // Every leftover is an unreferenced .bin (a writer that lost a race); nothing else.
    const files = readdirSync(join(dir, 'candidates'));
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(KEYS);
    expect(files.every((f) => f.endsWith('.json') || f.endsWith('.bin'))).toBe(true);
    const swept = await sweepFsStore(nodeFs(), dir, COLLECTIONS, { olderThanMs: 0, now: Date.now() + 1000 });
    expect(readdirSync(join(dir, 'candidates')).filter((f) => f.endsWith('.bin'))).toHaveLength(KEYS);
    expect(swept.orphans).toBe(files.length - 2 * KEYS);
    for (let k = 0; k < KEYS; k++) {
      const rec = await fresh.get('candidates', `c/${k}`);
      expect(checkValue(k, rec, await fresh.data('candidates', `c/${k}`))).toBeUndefined();
    }
  });

  it('reads records of the older layout (`<name>.bin`, no `bin` in the head) and replaces them cleanly', async () => {
    const dir = join(tmp, 'old');
    const s = await openFsStore(nodeFs(), dir);
    const name = fileNameOf('ds/abc');
    writeFileSync(join(dir, 'images', `${name}.bin`), new Uint8Array([1, 2, 3]));
    writeFileSync(
      join(dir, 'images', `${name}.json`),
      JSON.stringify({ key: 'ds/abc', meta: { a: 1 }, size: 3 }),
    );
    expect(await s.data('images', 'ds/abc')).toEqual(new Uint8Array([1, 2, 3]));
    await s.put('images', 'ds/abc', { a: 2 }, new Uint8Array([4, 5]));
    expect(await s.data('images', 'ds/abc')).toEqual(new Uint8Array([4, 5]));
    const files = readdirSync(join(dir, 'images'));
    expect(files).not.toContain(`${name}.bin`);
    expect(files).toHaveLength(2);
    await s.delete('images', 'ds/abc');
    expect(readdirSync(join(dir, 'images'))).toEqual([]);
  });

  it("a crashed writer's leftovers break no reader, and are swept only once stale", async () => {
    const dir = join(tmp, 'crash');
    const s = await openFsStore(nodeFs(), dir);
    const v = makeValue(1, 0, 5);
    await s.put('features', 'f/5', v.meta, v.data);
    const d = join(dir, 'features');
    const stem = fileNameOf('f/5');
    // A head write cut off before its rename, bytes of a put that died before its head (for this key
    // and for a key never committed), an interrupted bytes write.
    writeFileSync(join(d, `${stem}.json.0123456789abcdef.tmp`), '{"key":"f/5","me');
    writeFileSync(join(d, `${stem}.feedfacecafebeef.bin`), new Uint8Array(7));
    writeFileSync(join(d, `${fileNameOf('f/6')}.00aa00aa00aa00aa.bin`), new Uint8Array(9));
    writeFileSync(
      join(d, `${fileNameOf('f/7')}.11bb11bb11bb11bb.bin.22cc22cc22cc22cc.tmp`),
      new Uint8Array(3),
    );
    expect(await s.keys('features')).toEqual(['f/5']);
    expect(await s.has('features', 'f/6')).toBe(false);
    expect(checkValue(5, await s.get('features', 'f/5'), await s.data('features', 'f/5'))).toBeUndefined();

    // Young leftovers may belong to a live writer elsewhere: kept.
    const young = await sweepFsStore(nodeFs(), dir, COLLECTIONS);
    expect(young).toMatchObject({ tmp: 0, orphans: 0, young: 4, ageKnown: true });
    const old = (Date.now() - 2 * 3_600_000) / 1000;
    for (const f of readdirSync(d)) utimesSync(join(d, f), old, old); // the committed record is old too
    const dry = await sweepFsStore(nodeFs(), dir, COLLECTIONS, { dryRun: true });
    expect(dry).toMatchObject({ tmp: 2, orphans: 2 });
    expect(readdirSync(d)).toHaveLength(6);
    const swept = await sweepFsStore(nodeFs(), dir, COLLECTIONS);
    expect(swept).toMatchObject({ tmp: 2, orphans: 2, young: 0 });
    expect(readdirSync(d).sort()).toEqual([`${stem}.json`, (await headBin(dir, stem)) as string].sort());
    expect(checkValue(5, await s.get('features', 'f/5'), await s.data('features', 'f/5'))).toBeUndefined();
    // An adapter that cannot tell a file's age removes nothing.
    const { mtime: _, ...ageless } = nodeFs();
    expect(await sweepFsStore(ageless, dir, COLLECTIONS)).toMatchObject({ ageKnown: false, tmp: 0 });
  });
});

async function headBin(dir: string, stem: string): Promise<string | undefined> {
  const raw = await nodeFs().readFile(join(dir, 'features', `${stem}.json`));
  return raw && (JSON.parse(new TextDecoder().decode(raw)) as { bin?: string }).bin;
}

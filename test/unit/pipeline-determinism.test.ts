/**
 * Issue 12's acceptance "the same seed gives byte-identical candidates twice, from a cold cache": the
 * real runPipeline over the fixture models (whose VAE encoder samples inside the graph, as the SD
 * exports do), twice into two fresh stores, and once with another data seed. ORT seeds its random
 * kernels once per process, so a fresh session here would replay the first run's noise; the second
 * run first advances that stream (one generation), as a later run in another process would find it.
 * Training is left out (no methods): this is about the candidates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureModelsFolder } from '../../src/pipeline/app/fixtures.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { candidatePng } from '../../src/pipeline/items.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { resolveSettings } from '../../src/pipeline/settings.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import { memorySource, png } from '../support/bad-inputs.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-determinism-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DATA = {
  'cat/a.png': png(24, 20, 1),
  'cat/b.png': png(20, 24, 2),
  'cat/c.png': png(16, 16, 3),
  'dog/d.png': png(24, 24, 4),
  'dog/e.png': png(18, 22, 5),
  'dog/f.png': png(16, 20, 6),
};

async function candidates(dir: string, seed: number, advance: boolean) {
  const stages = await openStages(await fixtureModelsFolder(), 'fixtures', { ep: 'wasm' });
  try {
    if (advance) {
      const img = { width: 16, height: 16, channels: 3 as const, data: new Uint8Array(768).fill(70) };
      await stages.generate(img, { prompt: 'warm up', seed: 99, strength: 0.5, steps: 4, guidance: 1 });
    }
    const settings = {
      ...resolveSettings({ seed, kLocal: 1, kTransfer: 1, neighbours: 1, steps: 4 }),
      methods: [],
    };
    const store = await openFsStore(nodeFs(), join(root, dir));
    const r = await runPipeline({
      source: memorySource('pets', DATA),
      decoder: jsDecoder,
      store,
      stages,
      settings,
      gpu: () => Promise.reject(new Error('no training in this test')),
    });
    expect(r.tally.candidates?.cached ?? 0).toBe(0); // a cold cache: every candidate computed
    return await Promise.all(
      r.candidates.map(async (c) => ({ key: c.key, png: Buffer.from(await candidatePng(store, c.key)) })),
    );
  } finally {
    await stages.dispose();
  }
}

describe('seeded generation through the whole pipeline', () => {
  it('the same seed gives byte-identical candidate PNGs from two cold caches; another seed does not', async () => {
    const a = await candidates('a', 5, false);
    const b = await candidates('b', 5, true);
    expect(a.length).toBeGreaterThanOrEqual(4);
    expect(b.map((c) => c.key)).toEqual(a.map((c) => c.key));
    expect(b.filter((c, i) => !c.png.equals(a[i].png)).map((c) => c.key)).toEqual([]);
    const other = await candidates('c', 6, false);
    const seen = new Set(a.map((c) => c.png.toString('base64')));
    expect(other.filter((c) => seen.has(c.png.toString('base64')))).toEqual([]);
  }, 180_000);
});

/**
 * A profile sweep (pipeline/sweep.ts) through the real runPipeline on the fixture models (ORT wasm), no
 * training: the second profile runs on the same store and finds everything its profile does not change —
 * every imported image, class-name embedding and real image's feature, the captions of its pool (a
 * subset of the first's: profile selections nest) — and computes only candidates whose prompt changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, ConfigError } from '../../src/core/errors.ts';
import { fixtureModelsFolder } from '../../src/pipeline/app/fixtures.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';
import type { PipelineInput } from '../../src/pipeline/run.ts';
import { type PipelineSettings, resolveSettings } from '../../src/pipeline/settings.ts';
import type { PipelineStages } from '../../src/pipeline/stages.ts';
import { runSweep, type SweepRun, sweepProfiles, sweepTally } from '../../src/pipeline/sweep.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import { memorySource, png } from '../support/bad-inputs.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-sweep-'));
// 3 classes × 6 images: 1 test image each, the rest for the profiles
const DATA = Object.fromEntries(
  ['cat', 'dog', 'eel'].flatMap((c, k) =>
    [0, 1, 2, 3, 4, 5].map((i) => [`${c}/${i}.png`, png(16 + i, 18, 10 * k + i + 1)]),
  ),
);
const PROFILES = ['full', 'imbalanced:0.25'];
const settings = (profiles: string[]) =>
  ({
    ...resolveSettings({ seed: 1, kLocal: 1, kTransfer: 1, neighbours: 1, steps: 2 }),
    methods: [],
    profiles,
  }) as PipelineSettings;

let stages: PipelineStages;
let input: PipelineInput;
let sweep: SweepRun[];
const heard: string[] = [];

beforeAll(async () => {
  stages = await openStages(await fixtureModelsFolder(), 'fixtures', { ep: 'wasm' });
  input = {
    source: memorySource('pets', DATA),
    decoder: jsDecoder,
    store: await openFsStore(nodeFs(), join(root, 'store')),
    stages,
    settings: settings(PROFILES),
    gpu: () => Promise.reject(new Error('no training in this test')),
  };
  sweep = await runSweep(input, (p, i, n) => heard.push(`${p} ${i + 1}/${n}`));
}, 240_000);
afterAll(async () => {
  await stages?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('a profile sweep', () => {
  it('runs one pipeline per profile, in order, each with its own split', () => {
    expect(heard).toEqual(['full 1/2', 'imbalanced:0.25 2/2']);
    expect(sweep.map((s) => s.profile)).toEqual(PROFILES);
    const [full, imb] = sweep.map((s) => s.result.split);
    // the test split is carved before the profile: the same images in every profile
    expect(imb.test).toEqual(full.test);
    expect(imb.trainCounts.reduce((a, b) => a + b)).toBeLessThan(full.trainCounts.reduce((a, b) => a + b));
  });

  it('the second profile finds every item its profile does not change', () => {
    const t = sweep[1].result.tally;
    const pool = sweep[1].result.split.train.length + sweep[1].result.split.valid.length;
    console.log(`[sweep] second profile: ${JSON.stringify(t)}`);
    expect(t.import).toEqual({ computed: 0, cached: 18 });
    expect(t.neighbours).toEqual({ computed: 0, cached: 3 });
    expect(t.caption).toEqual({ computed: 0, cached: pool });
    // every real image's feature is shared; only new candidates need one
    expect(t.features?.cached).toBeGreaterThanOrEqual(18);
    expect(t.features?.computed).toBe(t.candidates?.computed);
    // a candidate is shared when its prompt drew the same caption (seeds depend only on the image)
    const firstKeys = new Set(sweep[0].result.candidates.map((c) => c.key));
    const shared = sweep[1].result.candidates.filter((c) => firstKeys.has(c.key)).length;
    expect(t.candidates?.cached).toBe(shared);
    console.log(`[sweep] candidates shared ${shared} of ${sweep[1].result.candidates.length}`);
    const sum = sweepTally(sweep.map((r) => r.result));
    expect(sum.import).toEqual({ computed: 18, cached: 18 });
  });

  it('re-running the sweep computes nothing', async () => {
    const again = await runSweep(input);
    expect(Object.values(sweepTally(again.map((r) => r.result))).every((c) => c?.computed === 0)).toBe(true);
  }, 120_000);

  it('reads `profiles`, else the one profile; refuses a profile listed twice; stops when cancelled', async () => {
    expect(sweepProfiles(settings(PROFILES))).toEqual(PROFILES);
    expect(sweepProfiles(resolveSettings({ profile: 'lowshot:4' }))).toEqual(['lowshot:4']);
    expect(() => sweepProfiles(settings(['full', 'full']))).toThrow(ConfigError);
    expect(() => sweepProfiles(settings(['full', 'full']))).toThrow(/profile 'full' is listed twice/);
    const ac = new AbortController();
    ac.abort();
    await expect(runSweep({ ...input, signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

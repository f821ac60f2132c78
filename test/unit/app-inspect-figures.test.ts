/** The Inspect figures' data: Fig. 3 means over seeds, Fig. 4 order by frequency, Fig. 6 history averaging. */
import { describe, expect, it } from 'vitest';
import type { RunRow, RunSummary } from '../../src/pipeline/app/contract.ts';
import {
  allSources,
  classesByFrequency,
  defaultPolicyChoice,
  frequencyAccuracy,
  historyAllClasses,
  historyLines,
  historyMethods,
  historySeeds,
  logDomain,
  policyCells,
  policyChoices,
  runSources,
  shorten,
  trendLines,
} from '../../src/ui/inspect/figures-data.ts';
import { imageMime, sourceTitle } from '../../src/ui/inspect/gallery-data.ts';

const SOURCES = ['identity', 'local', 'transfer'];
type Summary = Pick<RunSummary, 'classes' | 'trainCounts' | 'sources' | 'runs'>;

const run = (method: string, seed: number, o: Partial<RunRow> = {}): RunRow => ({
  method,
  seed,
  top1: 0,
  meanClassAcc: 0,
  perClass: [],
  sources: SOURCES.slice(0, o.probs?.[0]?.length ?? SOURCES.length),
  probs: [],
  history: [],
  ...o,
});

// Classes: 'cat' 10 images, 'dog' 100, 'eel' 10 (ties with cat), 'fox' 1000.
const base = (runs: RunRow[]): Summary => ({
  classes: ['cat', 'dog', 'eel', 'fox'],
  trainCounts: [10, 100, 10, 1000],
  sources: SOURCES,
  runs,
});

describe('Fig. 3 data', () => {
  it('orders classes by frequency, ties in class order', () => {
    expect(classesByFrequency([10, 100, 10, 1000])).toEqual([3, 1, 0, 2]);
  });

  it('one point per class × method: the mean over seeds, skipping null (no test image)', () => {
    const s = base([
      run('autogenda', 0, { perClass: [0.5, 0.6, null, 1] }),
      run('autogenda', 1, { perClass: [0.7, 0.8, null, 1] }),
      run('identity', 0, { perClass: [0.1, null, null, 0.9] }),
      run('identity', 1, { perClass: [0.3, 0.4, null, 0.9] }),
    ]);
    const pts = frequencyAccuracy(s);
    // eel has no test accuracy in any seed: no point; dog of identity uses seed 1 only.
    expect(pts.map((p) => `${p.method}/${p.cls}`)).toEqual([
      'autogenda/fox',
      'autogenda/dog',
      'autogenda/cat',
      'identity/fox',
      'identity/dog',
      'identity/cat',
    ]);
    const at = (m: string, c: string) => pts.find((p) => p.method === m && p.cls === c)!;
    expect(at('autogenda', 'cat').accuracy).toBeCloseTo(0.6, 12);
    expect(at('autogenda', 'cat').seeds).toBe(2);
    expect(at('identity', 'dog')).toMatchObject({ accuracy: 0.4, seeds: 1, count: 100, classIndex: 1 });
  });

  it('skips classes without training images (no place on a log axis)', () => {
    const s = { ...base([run('a', 0, { perClass: [0.5, 0.5, 0.5, 0.5] })]), trainCounts: [0, 100, 10, 1000] };
    expect(frequencyAccuracy(s).map((p) => p.cls)).toEqual(['fox', 'dog', 'eel']);
  });

  it('fits accuracy on log10(count) per method and draws it between the extreme counts', () => {
    // accuracy = 0.2 + 0.25 · log10(count): exact fit at 10, 100, 1000
    const s = base([run('a', 0, { perClass: [0.45, 0.7, 0.45, 0.95] })]);
    const [t] = trendLines(frequencyAccuracy(s));
    expect(t.slope).toBeCloseTo(0.25, 12);
    expect(t.intercept).toBeCloseTo(0.2, 12);
    expect(t.ends.map((e) => e.count)).toEqual([10, 1000]);
    expect(t.ends[1].accuracy).toBeCloseTo(0.95, 12);
    // one distinct count: no line
    const flat = base([run('a', 0, { perClass: [0.5, null, 0.7, null] })]);
    expect(trendLines(frequencyAccuracy(flat))).toEqual([]);
  });

  it('pads the log domain', () => {
    expect(logDomain([10, 1000])).toEqual([8, 1250]);
    expect(logDomain([4, 4])).toEqual([2, 8]);
    expect(logDomain([])).toEqual([1, 10]);
  });
});

describe('Fig. 4 data', () => {
  const probs = (p: number) => [
    [p, 0.5 - p / 2, 0.5 - p / 2],
    [0.2, 0.3, 0.5],
    [1, 0, 0],
    [0, 0, 1],
  ];
  const s = base([
    run('identity', 0, { probs: [[1], [1], [1], [1]] }),
    run('autogenda', 0, { probs: probs(0.2), history: [probs(0.3)] }),
    run('autogenda', 1, { probs: probs(0.4), history: [probs(0.3)] }),
  ]);

  it('offers searched methods first: the mean over seeds, then each seed', () => {
    const c = policyChoices(s.runs);
    expect(c.map((x) => x.label)).toEqual([
      'autogenda: mean over 2 seeds (learned)',
      'autogenda: seed 0 (learned)',
      'autogenda: seed 1 (learned)',
      'identity: seed 0 (fixed)',
    ]);
    expect(defaultPolicyChoice(c, 'autogenda')).toBe(0);
    expect(defaultPolicyChoice(c, 'absent')).toBe(0);
  });

  it('cells are class × source, classes most frequent first, the mean over seeds', () => {
    const { sources, cells } = policyCells(s, { method: 'autogenda', seed: 'mean' });
    expect(sources).toEqual(SOURCES);
    expect(cells.map((c) => c.cls)).toEqual([
      ...Array(3).fill('fox'),
      ...Array(3).fill('dog'),
      ...Array(3).fill('cat'),
      ...Array(3).fill('eel'),
    ]);
    const cat = cells.filter((c) => c.cls === 'cat').map((c) => c.p);
    expect(cat[0]).toBeCloseTo(0.3, 12);
    expect(cat[1]).toBeCloseTo(0.35, 12);
    const seed1 = policyCells(s, { method: 'autogenda', seed: 1 }).cells.find((c) => c.cls === 'cat')!;
    expect(seed1.p).toBeCloseTo(0.4, 12);
  });

  it("names a run's sources by its width, never mislabelled", () => {
    expect(runSources(s, s.runs[0])).toEqual(['identity']);
    expect(runSources(s, s.runs[1])).toEqual(SOURCES);
    // Names that do not fit the policy's width are never used: neutral names instead.
    const odd = { ...s.runs[0], sources: ['a', 'b'] } as RunRow;
    expect(runSources(s, odd)).toEqual(['source 1']);
    expect(policyCells(s, { method: 'identity', seed: 0 }).cells).toHaveLength(4);
    expect(allSources(s)).toEqual(SOURCES);
  });
});

describe('Fig. 6 data', () => {
  // history[epoch][class][source]; seed 1 has one epoch fewer
  const h = (e: number, shift: number) =>
    [0, 1, 2, 3].map(() => [0.5 + shift - 0.1 * e, 0.25, 0.25 - shift + 0.1 * e]);
  const s = base([
    run('autogenda', 0, { history: [h(0, 0), h(1, 0), h(2, 0)] }),
    run('autogenda', 1, { history: [h(0, 0.1), h(1, 0.1)] }),
    run('search-free', 0, { probs: [[1 / 3, 1 / 3, 1 / 3]] }),
  ]);

  it('lists methods and seeds that have a history', () => {
    expect(historyMethods(s.runs)).toEqual(['autogenda']);
    expect(historySeeds(s.runs, 'autogenda')).toEqual([0, 1]);
    expect(historySeeds(s.runs, 'search-free')).toEqual([]);
  });

  it('averages each epoch over the seeds that reached it', () => {
    const { sources, points } = historyLines(s, 'autogenda', 2, 'mean');
    expect(sources).toEqual(SOURCES);
    const p = (e: number, src: string) => points.find((x) => x.epoch === e && x.source === src)!;
    expect(p(1, 'identity').p).toBeCloseTo(0.55, 12);
    expect(p(1, 'identity').seeds).toBe(2);
    expect(p(2, 'identity').p).toBeCloseTo(0.45, 12);
    expect(p(3, 'identity')).toMatchObject({ seeds: 1 });
    expect(p(3, 'identity').p).toBeCloseTo(0.3, 12);
    expect(points).toHaveLength(9);
  });

  it('one seed, and nothing for a method without history', () => {
    const one = historyLines(s, 'autogenda', 0, 1);
    expect(one.points.map((x) => x.epoch)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(one.points[0].p).toBeCloseTo(0.6, 12);
    expect(historyLines(s, 'search-free', 0, 'mean')).toEqual({ sources: [], points: [] });
  });

  it('all classes: a line per class per source', () => {
    const all = historyAllClasses(s, 'autogenda', 0);
    expect(all.points).toHaveLength(4 * 3 * 3);
    expect(new Set(all.points.map((x) => x.cls))).toEqual(new Set(['cat', 'dog', 'eel', 'fox']));
  });
});

describe('gallery helpers', () => {
  it('sniffs the image type of stored bytes', () => {
    expect(imageMime(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10))).toBe('image/png');
    expect(imageMime(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    const webp = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 ');
    expect(imageMime(webp)).toBe('image/webp');
    expect(imageMime(new Uint8Array())).toBe('application/octet-stream');
  });

  it('names sources and shortens long class names', () => {
    expect(sourceTitle('local')).toMatch(/same class/);
    expect(sourceTitle('transfer')).toMatch(/neighbour/);
    expect(sourceTitle('prompt')).toBe('prompt');
    expect(shorten('a'.repeat(30), 10)).toBe(`${'a'.repeat(9)}…`);
    expect(shorten('short')).toBe('short');
  });
});

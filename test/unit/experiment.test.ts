/**
 * The experiment's pure parts: one Fashion-MNIST setting built from a synthetic IDX-shaped set (profile
 * counts, disjoint splits, packed pixels), the IDX parser's errors, the conventional-source check, and the
 * report (mean ± std cells, ranks, Friedman/Holm wired to the statistics, CSV, per-class table).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.ts';
import { EXIT } from '../../src/cli/command.ts';
import { imbalancedCounts } from '../../src/core/profiles.ts';
import { friedmanFromRanks, holmVsControl } from '../../src/core/stats.ts';
import { fashionMnistSetting, type GreySet, parseIdx } from '../../src/experiment/fashion-mnist.ts';
import { checkConventional } from '../../src/experiment/providers.ts';
import { markdownReport, perClassReport, recordsCsv, summarize } from '../../src/experiment/report.ts';
import type { RunRecord } from '../../src/experiment/runner.ts';

function greySet(perClass: number, side = 4): GreySet {
  const count = 10 * perClass;
  const images = new Uint8Array(count * side * side);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    images.fill(20 * (i % 10) + (Math.floor(i / 10) % 20), i * side * side, (i + 1) * side * side); // label = ⌊v/20⌋
  }
  return { images, labels, count, rows: side, cols: side };
}

describe('fashionMnistSetting', () => {
  const train = greySet(60);
  const test = greySet(12);
  const s = fashionMnistSetting(train, test, { kind: 'imbalanced', factor: 0.1 }, 3, {
    cap: 50,
    testPerClass: 7,
  });

  it('keeps the imbalanced profile counts of ALGORITHM §2 on a pool of `cap` per class', () => {
    expect([...s.trainCounts].sort((a, b) => b - a)).toEqual(imbalancedCounts(50, 0.1, 10));
  });
  it('splits train/valid half per class, disjoint from a test set of testPerClass per class', () => {
    const { train: tr, valid, test: te } = s.split;
    expect(new Set([...tr, ...valid, ...te]).size).toBe(tr.length + valid.length + te.length);
    expect(te.length).toBe(70);
    const nTrain = tr.length + valid.length;
    expect(nTrain).toBe(s.trainCounts.reduce((a, b) => a + b, 0));
    for (let c = 0; c < 10; c++) {
      const inTrain = tr.filter((n) => s.images.labels[n] === c).length;
      expect(inTrain).toBe(Math.ceil(s.trainCounts[c] / 2));
      expect(te.filter((n) => s.images.labels[n] === c).length).toBe(7);
    }
  });
  it('packs grey pixels as opaque RGBA with R = G = B, labels following', () => {
    const { pixels, labels, width, height } = s.images;
    expect([width, height]).toEqual([4, 4]);
    for (let n = 0; n < labels.length; n++) {
      const v = pixels[n * 16] & 255;
      expect(pixels[n * 16]).toBe((v | (v << 8) | (v << 16) | 0xff000000) >>> 0);
      expect(Math.floor(v / 20)).toBe(labels[n]);
    }
  });
  it('the same seed gives the same setting', () => {
    const again = fashionMnistSetting(train, test, { kind: 'imbalanced', factor: 0.1 }, 3, {
      cap: 50,
      testPerClass: 7,
    });
    expect(again.split).toEqual(s.split);
  });
});

describe('parseIdx and sources', () => {
  it('reads dims and refuses bad magic or a wrong length, naming the file', () => {
    const ok = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]);
    expect(parseIdx(ok, 'x.idx')).toEqual({ dims: [2], data: Uint8Array.from([7, 9]) });
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'bad.idx')).toThrow(
      /bad\.idx: not an IDX file \(bad magic\)/,
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7]), 'short.idx')).toThrow(/need 3/);
  });
  it('an image dataset provides identity and view pipelines only', () => {
    expect(() => checkConventional(['identity', 'simple', 'randaugment', 'flip-crop'])).not.toThrow();
    expect(() => checkConventional(['identity', 'local'])).toThrow(/'local' need generated images/);
  });
});

const rec = (setting: string, method: string, seed: number, top1: number): RunRecord => ({
  setting,
  method,
  seed,
  top1,
  meanClassAcc: top1 - 0.01,
  perClass: [top1, null],
  trainCounts: [10, 2],
  sources: ['identity'],
  probs: [[1], [1]],
  testCount: 100,
  seconds: 1,
});

describe('report', () => {
  // Three settings, three methods, two seeds; C is best everywhere, A and B swap.
  const records = [
    ['s1', 'A', 0.5, 0.52],
    ['s1', 'B', 0.6, 0.62],
    ['s1', 'C', 0.7, 0.74],
    ['s2', 'A', 0.6, 0.6],
    ['s2', 'B', 0.5, 0.5],
    ['s2', 'C', 0.8, 0.8],
    ['s3', 'A', 0.4, 0.44],
    ['s3', 'B', 0.3, 0.3],
    ['s3', 'C', 0.9, 0.9],
  ].flatMap(([s, m, a, b]) => [
    rec(s as string, m as string, 0, a as number),
    rec(s as string, m as string, 1, b as number),
  ]);
  const sum = summarize(records, 'top1', 'C');

  it('means and sample stds per cell; ranks of the means; Friedman and Holm from the statistics module', () => {
    expect(sum.settings).toEqual(['s1', 's2', 's3']);
    expect(sum.cells[0][2].mean).toBeCloseTo(0.72, 12);
    expect(sum.cells[0][2].std).toBeCloseTo(Math.sqrt(0.0008), 12);
    expect(sum.avgRanks).toEqual([(3 + 2 + 2) / 3, (2 + 3 + 3) / 3, 1]);
    expect(sum.friedman).toEqual(friedmanFromRanks(sum.avgRanks!, 3));
    expect(sum.holm).toMatchObject(holmVsControl(sum.avgRanks!, 3, 2));
    expect(summarize(records, 'meanClassAcc', 'C').cells[0][0].mean).toBeCloseTo(0.5, 12);
  });
  it('prints mean ± std in percent, the ranks and the tests', () => {
    const md = markdownReport(sum);
    expect(md).toContain('mean ± std over 2 seeds');
    expect(md).toContain('| C | 72.00 ± 2.83 | 80.00 ± 0.00 | 90.00 ± 0.00 | 1.00 |');
    expect(md).toMatch(/Friedman over 3 settings, 3 methods/);
    expect(md).toMatch(/Holm vs control 'C'/);
    expect(() => summarize(records, 'top1', 'Z')).toThrow(/control method 'Z'/);
  });
  it('CSV has one line per run; the per-class table orders classes by training frequency', () => {
    expect(recordsCsv(records).trim().split('\n')).toHaveLength(1 + records.length);
    const pc = perClassReport(records, 's1', ['big', 'small']).split('\n');
    expect(pc[2]).toBe('| 1 | big | 10.0 | 51.00 | 61.00 | 72.00 |');
    expect(pc[3]).toBe('| 2 | small | 2.0 | — | — | — |');
    // Seeds that order the classes differently: rows are frequency ranks, without names.
    const swapped = records.map((r) =>
      r.seed === 1 ? { ...r, trainCounts: [2, 10], perClass: [null, r.top1] } : r,
    );
    const rows = perClassReport(swapped, 's1', ['big', 'small']).split('\n');
    expect(rows[0]).toBe('| rank | train images | A | B | C |');
    expect(rows[2]).toBe('| 1 | 10.0 | 51.00 | 61.00 | 72.00 |');
  });
});

describe('autogenda experiment (command line, before any GPU work)', () => {
  const io = () => {
    const r = {
      out_: '',
      err_: '',
      out: (l: string) => (r.out_ += `${l}\n`),
      err: (l: string) => (r.err_ += `${l}\n`),
    };
    return r;
  };
  it('--help documents the methods and flags', async () => {
    const r = io();
    expect(await runCli(['experiment', '--help'], r, '0')).toBe(EXIT.OK);
    expect(r.out_).toMatch(/^Usage: autogenda experiment/);
    for (const f of ['--factors', '--methods', '--seeds', '--views', '--bank', '--control', '--out'])
      expect(r.out_).toContain(f);
  });
  it('refuses bad seeds, metrics, datasets and methods with exit 64 or a message naming them', async () => {
    for (const [argv, want] of [
      [['--seeds', '0'], '--seeds must be a positive integer'],
      [['--metric', 'auc'], '--metric must be top1 or mean-class'],
      [['--dataset', 'cifar'], "unknown dataset 'cifar'"],
    ] as const) {
      const r = io();
      expect(await runCli(['experiment', ...argv], r, '0')).toBe(EXIT.USAGE);
      expect(r.err_).toContain(want);
    }
    const r = io();
    expect(await runCli(['experiment', '--methods', 'simple,nope'], r, '0')).toBe(EXIT.FAILURE);
    expect(r.err_).toContain("unknown method 'nope'");
  });
});

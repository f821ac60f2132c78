/**
 * Issue 14, memory that does not grow with the dataset: a bank is unique rows plus an index, with no
 * dense copy anywhere — a test image and the identity source are one row each, a method's sources are
 * an index remap over the same rows, and a run's builder keeps no feature values at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleBank, BankBuilder } from '../../src/pipeline/bank-build.ts';
import { checkBank, denseFeatures, type FeatureBank, featureOffset, rowOf } from '../../src/train/bank.ts';
import { readBankDir, writeBankDir } from '../../src/train/bank-io.ts';
import { rowSource } from '../../src/train/bank-rows.ts';
import { selectSources } from '../../src/train/sub-bank.ts';
import { nodeBankFs } from '../support/node-bank-fs.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-bank-layout-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const v = (x: number) => Float32Array.of(x, -x, x / 2);

/** 2 classes, 6 images (2 test), 2 generative sources with K = 2 (one image has a single candidate). */
function runBank(): FeatureBank {
  const pool = [0, 1, 2, 3];
  return assembleBank({
    classes: ['a', 'b'],
    labels: [0, 1, 0, 1, 0, 1],
    split: { train: [0, 1], valid: [2, 3], test: [4, 5] },
    real: [0, 1, 2, 3, 4, 5].map((n) => v(n + 1)),
    generated: new Map([
      ['local', new Map(pool.map((n) => [n, n === 3 ? [v(100 + n)] : [v(10 * n + 10), v(10 * n + 11)]]))],
      ['transfer', new Map(pool.map((n) => [n, [v(200 + 2 * n), v(201 + 2 * n)]]))],
    ]),
    D: 3,
  });
}

describe('the bank layout without copies', () => {
  it('stores each image and each candidate once; test images and identity slots share the image row', () => {
    const bank = runBank();
    const { N, S, K, D } = bank;
    expect([N, S, K, D]).toEqual([6, 3, 2, 3]);
    // 6 images + 4 pool images × (2 local + 2 transfer) − 1 missing local candidate
    expect(bank.features.length / D).toBe(6 + 4 * 4 - 1);
    expect(bank.features.length).toBeLessThan(N * S * K * D);
    for (const n of [4, 5]) {
      for (let s = 0; s < S; s++) for (let k = 0; k < K; k++) expect(rowOf(bank, n, s, k)).toBe(n);
    }
    for (let n = 0; n < 4; n++) expect(rowOf(bank, n, 0, 1)).toBe(rowOf(bank, n, 0, 0));
    // a source with fewer than K candidates cycles: image 3's one local candidate fills both slots
    expect(rowOf(bank, 3, 1, 0)).toBe(rowOf(bank, 3, 1, 1));
    const at = (n: number, s: number, k: number) => bank.features[featureOffset(bank, n, s, k)];
    expect([at(1, 1, 0), at(1, 1, 1), at(1, 2, 1), at(3, 1, 1), at(5, 2, 1)]).toEqual([20, 21, 203, 103, 6]);
    expect(checkBank(bank)).toEqual([]);
  });

  it('a 20,000-image run (K = 2 + 2, 20% test) is 84,000 rows, not 120,000 slots', () => {
    const N = 20_000;
    const pool = Array.from({ length: 16_000 }, (_, i) => i);
    const two = new Map(pool.map((n) => [n, 2]));
    const b = new BankBuilder(
      {
        classes: ['a', 'b'],
        labels: Array.from({ length: N }, (_, n) => n % 2),
        split: {
          train: pool.slice(0, 8000),
          valid: pool.slice(8000),
          test: pool.map((n) => n + 16_000).slice(0, 4000),
        },
        counts: new Map([
          ['local', two],
          ['transfer', two],
        ]),
        D: 2048,
      },
      { keep: false },
    );
    expect(b.rowCount).toBe(84_000);
    expect(b.meta.index.length).toBe(N * 3 * 2);
    // a run's builder holds no feature values: its rows stay in the store
    expect(() => b.bank).toThrow(/keeps no feature values/);
    expect(b.real(7, new Float32Array(2048))).toBe(7);
    expect(() => b.real(7, new Float32Array(3))).toThrow(/3 values, expected 2048/);
  });

  it('selectSources is an index remap: the same feature array, no copy, the same values per slot', async () => {
    const bank = runBank();
    const sub = selectSources(bank, [0, 2]);
    expect(sub.features).toBe(bank.features);
    expect(sub.sources).toEqual(['identity', 'transfer']);
    for (let n = 0; n < bank.N; n++) {
      for (let k = 0; k < bank.K; k++) {
        expect(rowOf(sub, n, 1, k)).toBe(rowOf(bank, n, 2, k));
        expect(rowOf(sub, n, 0, k)).toBe(rowOf(bank, n, 0, k));
      }
    }
    // a dense bank's sub-bank shares its array too
    const dense: FeatureBank = { ...bank, features: denseFeatures(bank), index: undefined };
    const denseSub = selectSources(dense, [2, 0]);
    expect(denseSub.features).toBe(dense.features);
    const rows = await rowSource(denseSub).read([rowOf(denseSub, 1, 0, 1)]);
    expect(Array.from(rows)).toEqual(Array.from(v(203)));
  });

  it('an indexed bank is written as the dense .npy layout and reads back equal slot by slot', async () => {
    const bank = runBank();
    const dir = join(root, 'bank');
    await writeBankDir(dir, bank, nodeBankFs);
    const { bank: back } = await readBankDir(dir, nodeBankFs);
    expect(back.index).toBeUndefined();
    expect(back.features.length).toBe(bank.N * bank.S * bank.K * bank.D);
    expect(Array.from(back.features)).toEqual(Array.from(denseFeatures(bank)));
  });

  it('an index pointing past the rows is refused, naming the file', () => {
    const bank = runBank();
    const index = Uint32Array.from(bank.index ?? []);
    index[5] = 999;
    expect(() => checkBank({ ...bank, index })).toThrow(
      /features\.npy.*index slot 5 points at row 999 of 21/,
    );
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadDatasetError } from '../../src/core/errors.ts';
import { type NpyArray, parseNpy, writeNpy } from '../../src/core/npy.ts';
import {
  type BankParts,
  bankSummary,
  featureOffset,
  firstNonFinite,
  validateBank,
} from '../../src/train/bank.ts';
import { readBankDir, writeBankDir } from '../../src/train/bank-io.ts';
import { nodeBankFs } from '../support/node-bank-fs.ts';

// A tiny valid bank: N = 8 samples, classes cat/dog, S = 3 sources, K = 2 candidates, D = 4 dims.
const N = 8;
const S = 3;
const K = 2;
const D = 4;
const value = (n: number, s: number, k: number, d: number) => n * 1000 + s * 100 + k * 10 + d;

function parts(): BankParts {
  const f = new Float32Array(N * S * K * D);
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++)
      for (let k = 0; k < K; k++)
        for (let d = 0; d < D; d++) f[featureOffset({ S, K, D }, n, s, k) + d] = value(n, s, k, d);
  const arr = (data: Float32Array | Int32Array, shape: number[]): NpyArray => parseNpy(writeNpy(data, shape));
  return {
    bankJson: { classes: ['cat', 'dog'], sources: ['identity', 'local', 'transfer'], candidates: K, dim: D },
    features: arr(f, [N, S, K, D]),
    labels: arr(Int32Array.of(0, 1, 0, 1, 0, 1, 0, 1), [N]),
    splitJson: { train: [0, 1, 2], valid: [3, 4, 5], test: [6, 7] },
  };
}

function expectBad(p: BankParts, file: string, words: RegExp) {
  try {
    validateBank(p);
  } catch (e) {
    expect(e).toBeInstanceOf(BadDatasetError);
    expect((e as BadDatasetError).file).toBe(file);
    expect((e as BadDatasetError).reason).toMatch(words);
    return;
  }
  throw new Error(`expected a BadDatasetError about ${file}`);
}

const with_ = (edit: (p: BankParts) => void) => {
  const p = parts();
  edit(p);
  return p;
};

describe('validateBank accepts a good bank', () => {
  it('keeps the features as a view and indexes them [n][s][k][d]', () => {
    const p = parts();
    const { bank, warnings } = validateBank(p);
    expect(warnings).toEqual([]);
    expect(bank).toMatchObject({ N, S, K, D, classes: ['cat', 'dog'] });
    expect(bank.features).toBe(p.features.data);
    expect(bank.features[featureOffset(bank, 5, 2, 1) + 3]).toBe(value(5, 2, 1, 3));
  });

  it('summarises per-class counts per split', () => {
    const s = bankSummary(validateBank(with_((p) => ((p.splitJson as { test: number[] }).test = [6]))).bank);
    expect(s.counts).toEqual({ train: [2, 1], valid: [1, 2], test: [1, 0] });
    expect(s.unused).toBe(1);
    expect(s.featureBytes).toBe(N * S * K * D * 4);
  });

  it('warns (does not fail) when a class is missing from test', () => {
    const { warnings } = validateBank(with_((p) => ((p.splitJson as { test: number[] }).test = [6])));
    expect(warnings).toEqual([expect.stringMatching(/split\.json: 'dog' \(class 1\) has no test samples/)]);
  });

  it('accepts uint8 and int64 labels', () => {
    const u8 = with_((p) => (p.labels = parseNpy(writeNpy(Uint8Array.of(0, 1, 0, 1, 0, 1, 0, 1), [N]))));
    expect(validateBank(u8).bank.labels).toBeInstanceOf(Int32Array);
    // int64, numpy's default integer: header by hand (writeNpy writes int32 only)
    const h = `{'descr': '<i8', 'fortran_order': False, 'shape': (8,), }`.padEnd(117) + '\n';
    const file = new Uint8Array(128 + 64);
    file.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, 118, 0, ...new TextEncoder().encode(h)]);
    new BigInt64Array(file.buffer, 128).set([0n, 1n, 0n, 1n, 0n, 1n, 1n, 0n]);
    const i8 = with_((p) => (p.labels = parseNpy(file)));
    expect(Array.from(validateBank(i8).bank.labels)).toEqual([0, 1, 0, 1, 0, 1, 1, 0]);
  });
});

describe('validateBank rejects bad banks, naming the file and the reason', () => {
  it('bank.json is not an object / has bad fields', () => {
    expectBad(
      with_((p) => (p.bankJson = [1, 2])),
      'bank.json',
      /must be a JSON object/,
    );
    expectBad(
      with_((p) => delete (p.bankJson as Record<string, unknown>).classes),
      'bank.json',
      /'classes' must be a non-empty list/,
    );
    expectBad(
      with_((p) => ((p.bankJson as { sources: string[] }).sources = ['a', 'b', 'a'])),
      'bank.json',
      /'sources' lists 'a' twice/,
    );
    expectBad(
      with_((p) => ((p.bankJson as { candidates: number }).candidates = 1.5)),
      'bank.json',
      /'candidates' must be a positive integer/,
    );
    expectBad(
      with_((p) => ((p.bankJson as { dim: unknown }).dim = '4')),
      'bank.json',
      /'dim' must be a positive integer/,
    );
  });

  it('features shape does not match bank.json', () => {
    expectBad(
      with_((p) => ((p.bankJson as { dim: number }).dim = 5)),
      'features.npy',
      /shape is \(8, 3, 2, 4\); expected \[N, 3, 2, 5\]/,
    );
    expectBad(
      with_((p) => (p.bankJson as { sources: string[] }).sources.pop()),
      'features.npy',
      /expected \[N, 2, 2, 4\]/,
    );
    expectBad(
      with_((p) => (p.features.shape = [N, S * K * D])),
      'features.npy',
      /rank 2; expected \[N, 3, 2, 4\]/,
    );
  });

  it('features dtype is not float32', () => {
    expectBad(
      with_((p) => (p.features = parseNpy(writeNpy(new Int32Array(N * S * K * D), [N, S, K, D])))),
      'features.npy',
      /dtype must be float32/,
    );
  });

  it('labels length does not match N', () => {
    expectBad(
      with_((p) => (p.labels = parseNpy(writeNpy(new Int32Array(7), [7])))),
      'labels.npy',
      /shape is \(7\); expected \(8,\)/,
    );
  });

  it('labels out of range', () => {
    expectBad(
      with_((p) => ((p.labels.data as Int32Array)[5] = 2)),
      'labels.npy',
      /label 2 of sample 5 is out of range 0\.\.1/,
    );
    expectBad(
      with_((p) => ((p.labels.data as Int32Array)[0] = -1)),
      'labels.npy',
      /label -1 of sample 0/,
    );
  });

  it('split.json is missing a list', () => {
    expectBad(
      with_((p) => delete (p.splitJson as Record<string, unknown>).valid),
      'split.json',
      /'valid' must be a list/,
    );
  });

  it('split index out of range or not an integer', () => {
    expectBad(
      with_((p) => (p.splitJson as { train: unknown[] }).train.push(8)),
      'split.json',
      /train\[3\] = 8 is not a sample index in 0\.\.7/,
    );
    expectBad(
      with_((p) => ((p.splitJson as { test: unknown[] }).test[1] = 1.5)),
      'split.json',
      /test\[1\] = 1\.5/,
    );
    expectBad(
      with_((p) => ((p.splitJson as { test: unknown[] }).test[0] = '6')),
      'split.json',
      /test\[0\] = "6"/,
    );
  });

  it('duplicate within a split', () => {
    expectBad(
      with_((p) => (p.splitJson as { valid: number[] }).valid.push(4)),
      'split.json',
      /sample 4 is listed twice in 'valid'/,
    );
  });

  it('overlap between splits', () => {
    expectBad(
      with_((p) => (p.splitJson as { test: number[] }).test.push(2)),
      'split.json',
      /sample 2 is in both 'train' and 'test'/,
    );
  });

  it('a class with no samples in train or valid', () => {
    const noDogTrain = with_((p) => ((p.splitJson as { train: number[] }).train = [0, 2]));
    expectBad(noDogTrain, 'split.json', /'dog' \(class 1\) has no samples in 'train'/);
    const noCatValid = with_((p) => ((p.splitJson as { valid: number[] }).valid = [3, 5]));
    expectBad(noCatValid, 'split.json', /'cat' \(class 0\) has no samples in 'valid'/);
  });

  it('NaN or Inf in the features, located exactly', () => {
    const at = featureOffset({ S, K, D }, 6, 2, 1) + 3;
    expectBad(
      with_((p) => ((p.features.data as Float32Array)[at] = Number.NaN)),
      'features.npy',
      /NaN at sample 6, source 2 \('transfer'\), candidate 1, dim 3 \(flat index 167\)/,
    );
    const inf = featureOffset({ S, K, D }, 0, 1, 0);
    expectBad(
      with_((p) => ((p.features.data as Float32Array)[inf] = Number.NEGATIVE_INFINITY)),
      'features.npy',
      /-Infinity at sample 0, source 1/,
    );
  });

  it('firstNonFinite finds the first bad value only', () => {
    const a = new Float32Array(100).fill(3e38);
    expect(firstNonFinite(a)).toBe(-1);
    a[70] = Number.POSITIVE_INFINITY;
    a[90] = Number.NaN;
    expect(firstNonFinite(a)).toBe(70);
  });
});

describe('bank directories (Node file system adapter)', () => {
  const nodeFs = nodeBankFs;
  const dirs: string[] = [];
  const tmp = async () => {
    const d = await mkdtemp(join(tmpdir(), 'autogenda-bank-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes and reads back the same bank', async () => {
    const { bank } = validateBank(parts());
    const dir = join(await tmp(), 'nested', 'bank');
    await writeBankDir(dir, bank, nodeFs);
    const back = await readBankDir(dir, nodeFs);
    expect(back.warnings).toEqual([]);
    expect(back.bank).toEqual(bank);
    expect(JSON.parse(await readFile(join(dir, 'bank.json'), 'utf8'))).toEqual({
      classes: ['cat', 'dog'],
      sources: ['identity', 'local', 'transfer'],
      candidates: 2,
      dim: 4,
    });
  });

  it('a missing file is named, with what it should contain', async () => {
    const dir = await tmp();
    await writeBankDir(dir, validateBank(parts()).bank, nodeFs);
    await rm(join(dir, 'labels.npy'));
    await expect(readBankDir(dir, nodeFs)).rejects.toMatchObject({
      name: 'BadDatasetError',
      file: `${dir}/labels.npy`,
      reason: expect.stringMatching(/missing.*int32 labels of shape \[N\]/),
    });
  });

  it('invalid JSON is reported with the file name', async () => {
    const dir = await tmp();
    await writeBankDir(dir, validateBank(parts()).bank, nodeFs);
    await writeFile(join(dir, 'split.json'), '{"train": [0, 1,]');
    await expect(readBankDir(dir, nodeFs)).rejects.toMatchObject({
      file: `${dir}/split.json`,
      reason: expect.stringMatching(/not valid JSON/),
    });
  });

  it('validation errors carry the full path', async () => {
    const dir = await tmp();
    await writeBankDir(dir, validateBank(parts()).bank, nodeFs);
    await writeFile(join(dir, 'labels.npy'), writeNpy(Int32Array.of(0, 1, 0, 1, 0, 1, 0, 9), [N]));
    await expect(readBankDir(dir, nodeFs)).rejects.toMatchObject({
      file: `${dir}/labels.npy`,
      reason: expect.stringMatching(/label 9 of sample 7/),
    });
  });

  it('refuses to write a bad bank', async () => {
    const { bank } = validateBank(parts());
    bank.features[0] = Number.NaN;
    await expect(writeBankDir(await tmp(), bank, nodeFs)).rejects.toThrow(/NaN at sample 0/);
  });
});

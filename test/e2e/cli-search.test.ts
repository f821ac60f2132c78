/**
 * `autogenda search` as a user runs it (Node launcher → Deno → WebGPU on lavapipe): a bank directory in,
 * policy.json / metrics.json / history.json out; and each kind of bad bank refused with the file and why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/core/npy.ts';
import type { FeatureBank } from '../../src/train/bank.ts';
import { writeBankDir } from '../../src/train/bank-io.ts';
import { nodeBankFs } from '../support/node-bank-fs.ts';
import { randomBank } from '../support/random-bank.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-search-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function autogenda(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/autogenda.mjs', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function bankDir(name: string, bank: FeatureBank): Promise<string> {
  const dir = join(root, name);
  await writeBankDir(dir, bank, nodeBankFs);
  return dir;
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('autogenda search', () => {
  it('runs the search and final training and writes policy, metrics and history', async () => {
    const bank = randomBank(7, { N: 60, S: 3, K: 2, D: 16, C: 3 });
    const dir = await bankDir('good', bank);
    const out = join(root, 'out');
    const r = autogenda(
      'search',
      '--bank',
      dir,
      '--out',
      out,
      '--epochs',
      '3',
      '--seed',
      '5',
      '--alpha-lr',
      '0.1',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/adapter: .*(llvmpipe|lavapipe)/i);
    expect(r.err).toMatch(/search +\[#+\] 100%/); // the final progress line
    const policy = json(join(out, 'policy.json'));
    expect(policy.classes).toEqual(bank.classes);
    expect(policy.sources).toEqual(bank.sources);
    expect(policy.probs).toHaveLength(3);
    for (const row of policy.probs) {
      expect(row).toHaveLength(3);
      expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(policy.probs.flat().some((p: number) => Math.abs(p - 1 / 3) > 1e-3)).toBe(true); // it moved
    const metrics = json(join(out, 'metrics.json'));
    expect(metrics.top1).toBeGreaterThanOrEqual(0);
    expect(metrics.top1).toBeLessThanOrEqual(1);
    expect(metrics.perClass).toHaveLength(3);
    expect(metrics.testCount).toBe(bank.split.test.length);
    const history = json(join(out, 'history.json'));
    expect(history.search).toHaveLength(3);
    expect(history.search[2].probs).toEqual(
      policy.probs.map((row: number[]) => row.map((p) => expect.closeTo(p, 5))),
    );
    expect(history.finalLoss).toHaveLength(3);

    // Same seed, same adapter: the same run.
    const out2 = join(root, 'out2');
    expect(
      autogenda('search', '--bank', dir, '--out', out2, '--epochs', '3', '--seed', '5', '--alpha-lr', '0.1')
        .code,
    ).toBe(0);
    expect(json(join(out2, 'policy.json'))).toEqual(policy);
    expect(json(join(out2, 'metrics.json')).top1).toBe(metrics.top1);
  });

  it('fixed methods: identity puts all weight on source 0 and skips the search', async () => {
    const dir = await bankDir('fixed', randomBank(8, { N: 40, S: 3, K: 1, D: 8, C: 2 }));
    const out = join(root, 'out-identity');
    const r = autogenda('search', '--bank', dir, '--out', out, '--method', 'identity', '--epochs', '2');
    expect(r.code, r.err).toBe(0);
    expect(json(join(out, 'policy.json')).probs).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]);
    expect(json(join(out, 'history.json')).search).toEqual([]);
    const bad = autogenda('search', '--bank', dir, '--out', out, '--method', 'sometimes');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown method 'sometimes'/);
  });

  const corrupt: [string, (dir: string, bank: FeatureBank) => void, RegExp][] = [
    [
      'features whose dim disagrees with bank.json',
      (dir, b) =>
        writeFileSync(
          join(dir, 'features.npy'),
          writeNpy(b.features.subarray(0, b.N * b.S * b.K * (b.D - 1)), [b.N, b.S, b.K, b.D - 1]),
        ),
      /features\.npy.*shape/i,
    ],
    [
      'fewer labels than samples',
      (dir, b) => writeFileSync(join(dir, 'labels.npy'), writeNpy(b.labels.subarray(1), [b.N - 1])),
      /labels\.npy.*shape/i,
    ],
    [
      'a NaN feature',
      (dir, b) => {
        const f = b.features.slice();
        f[5 * b.S * b.K * b.D + 3] = Number.NaN;
        writeFileSync(join(dir, 'features.npy'), writeNpy(f, [b.N, b.S, b.K, b.D]));
      },
      /features\.npy.*(NaN|finite)/i,
    ],
    [
      'a label out of range',
      (dir, b) => {
        const l = b.labels.slice();
        l[2] = 99;
        writeFileSync(join(dir, 'labels.npy'), writeNpy(l, [b.N]));
      },
      /labels\.npy.*99/,
    ],
    [
      'a class missing from a split',
      (dir, b) => {
        const valid = b.split.valid.filter((n) => b.labels[n] !== 1);
        writeFileSync(join(dir, 'split.json'), JSON.stringify({ ...b.split, valid }));
      },
      /split\.json.*class 1.*valid/i,
    ],
    ['a missing file', (dir) => rmSync(join(dir, 'labels.npy')), /labels\.npy/],
  ];
  for (const [what, spoil, message] of corrupt) {
    it(`refuses a bank with ${what}, naming the file and the reason`, async () => {
      const bank = randomBank(9, { N: 30, S: 3, K: 1, D: 4, C: 3 });
      const dir = await bankDir(`bad-${what.replace(/\W+/g, '-')}`, bank);
      spoil(dir, bank);
      const r = autogenda('search', '--bank', dir, '--out', join(dir, 'out'), '--epochs', '1');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /); // a clear message, not a stack trace
    });
  }
});

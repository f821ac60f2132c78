/**
 * The shard partition of a run's items (src/pipeline/shard.ts): parsing `--shard I/N`, a partition
 * that is the same in every process and covers each item exactly once, and its balance on realistic
 * key sets (sha256 image hashes, candidate jobs (hash, source, j)) against a plain hash of the key.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashShard, parseShard, partition, shardFilter } from '../../src/pipeline/shard.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** A run's partition keys: training image hashes; candidate jobs `<hash>:<source>:<j>`. */
function runKeys(images: number, kLocal: number, kTransfer: number) {
  const hashes = Array.from({ length: images }, (_, i) => sha(`image ${i}`));
  const jobs = hashes.flatMap((h) => [
    ...Array.from({ length: kLocal }, (_, j) => `${h}:local:${j}`),
    ...Array.from({ length: kTransfer }, (_, j) => `${h}:transfer:${j}`),
  ]);
  return { hashes, jobs };
}
const counts = (shards: number[], n: number) => {
  const c = new Array<number>(n).fill(0);
  for (const s of shards) c[s]++;
  return c;
};

describe('parseShard', () => {
  it('reads I/N, counting from 0 as Slurm array ids and Kubernetes completion indexes do', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
  });
  it('refuses the rest, saying what is wrong', () => {
    expect(() => parseShard('4/4')).toThrow(/--shard '4\/4': I must be below N .*0 to 3.*--array=0-3/);
    expect(() => parseShard('1/0')).toThrow(/N must be at least 1/);
    expect(() => parseShard('-1/4')).toThrow(/expected I\/N/);
    expect(() => parseShard('1.5/4')).toThrow(/expected I\/N/);
    expect(() => parseShard('2')).toThrow(/expected I\/N with whole numbers/);
    expect(() => parseShard('')).toThrow(/expected I\/N/);
    expect(() => parseShard('0/1000000')).toThrow(/at most 10000/);
  });
});

describe('partition', () => {
  const { hashes, jobs } = runKeys(1000, 2, 2);

  it('puts every key in exactly one shard, the same whatever order the keys come in', () => {
    const n = 7;
    const a = partition('candidates', jobs, n);
    const b = partition('candidates', [...jobs].reverse().concat(jobs.slice(0, 10)), n);
    expect(a.size).toBe(jobs.length);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
    const filters = Array.from({ length: n }, (_, i) =>
      shardFilter('candidates', jobs, { index: i, count: n }),
    );
    for (const k of jobs) expect(filters.filter((f) => f(k))).toHaveLength(1);
  });

  it('no shard, or one of one, keeps every key; a key outside the list is an error', () => {
    expect(shardFilter('caption', hashes)('anything')).toBe(true);
    expect(shardFilter('caption', hashes, { index: 0, count: 1 })('x')).toBe(true);
    const f = shardFilter('caption', hashes, { index: 1, count: 3 });
    expect(() => f('not-a-key')).toThrow(/shard filter 'caption': key 'not-a-key' is not in/);
  });

  it('balances each stage to within one item per shard; a hash of the key does not', () => {
    const rows: string[] = [];
    // (images, shards): the e2e run's size, a small cluster run, the paper's scale on a big array.
    for (const [images, n] of [
      [12, 3],
      [500, 8],
      [50_000, 64],
    ]) {
      const { hashes, jobs } = runKeys(images, 2, 2);
      for (const [stage, keys] of [
        ['caption', hashes],
        ['candidates', jobs],
      ] as const) {
        const rr = counts([...partition(stage, keys, n).values()], n);
        const hs = counts(
          keys.map((k) => hashShard(k, n)),
          n,
        );
        const mean = keys.length / n;
        expect(Math.max(...rr) - Math.min(...rr)).toBeLessThanOrEqual(1);
        expect(Math.max(...rr)).toBe(Math.ceil(mean));
        rows.push(
          `${stage} ${keys.length} on ${n}: round-robin max ${Math.max(...rr)} (+${((Math.max(...rr) / mean - 1) * 100).toFixed(1)}%), hash max ${Math.max(...hs)} (+${((Math.max(...hs) / mean - 1) * 100).toFixed(1)}%)`,
        );
        if (keys.length >= 100_000) expect(Math.max(...hs)).toBeGreaterThan(Math.ceil(mean)); // the hash is worse
      }
    }
    console.log(rows.join('\n'));
  });

  it('spreads the one extra item of each stage over different shards', () => {
    // 10 items on 4 shards: two shards get 3; over many stages no shard gets all the extras.
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const extra = new Array<number>(4).fill(0);
    for (const stage of ['caption', 'candidates', 'features', 'views', 'embed']) {
      counts([...partition(stage, keys, 4).values()], 4).forEach((c, i) => {
        if (c === 3) extra[i]++;
      });
    }
    expect(Math.max(...extra)).toBeLessThan(5);
  });
});

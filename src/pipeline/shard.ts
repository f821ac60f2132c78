/**
 * Which items one shard of a run computes (`autogenda run --shard I/N`, issue 15): a stable partition
 * of each stage's item list over N shards, balanced by cost.
 *
 * Within a stage every item costs about the same (one caption, one img2img candidate, one backbone
 * pass), so a shard's cost is its item count per stage, and the run's wall time is that of the
 * largest shard. Round-robin over the stage's sorted distinct keys gives every shard ⌊M/N⌋ or ⌈M/N⌉
 * items — the best possible. A hash of the key (`hashShard`) needs no list, but its counts are
 * binomial; measured on sha256 image hashes (test/unit/shard.test.ts): 48 candidate jobs on 3 shards,
 * the largest got 19 instead of 16 (+19%); 50,000 captions on 64 shards +7%; 200,000 candidates on 64
 * shards +4% — a whole array waiting that much longer on its slowest task. Every shard builds the same
 * sorted list from the same settings, so the partition is the same in every process and a re-run
 * shard recomputes exactly its own items. Each stage starts its round-robin at its own offset (from
 * the stage's name), so the shards that get the one extra item differ between stages instead of
 * shard 0 getting all of them.
 *
 * The partition key must exist before the item is computed: for candidates that is the job
 * (parent image hash, source, j), not the cache key, which contains the prompt and so needs captions.
 */
import { ConfigError } from '../core/errors.ts';

export interface Shard {
  /** 0-based, < count. */
  index: number;
  count: number;
}

/** The most shards: far above any job array, low enough that a typo (`--shard 3/1000000`) is caught. */
export const MAX_SHARDS = 10_000;

/** `"I/N"` → {index: I, count: N}, 0 ≤ I < N (Slurm's `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const say = (why: string) => new ConfigError(`--shard '${text}': ${why}`);
  if (!m) throw say('expected I/N with whole numbers, e.g. 0/4 (shard 0 of 4; I counts from 0)');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw say('N must be at least 1');
  if (count > MAX_SHARDS) throw say(`N must be at most ${MAX_SHARDS}`);
  if (index >= count)
    throw say(
      `I must be below N (shards are numbered 0 to ${count - 1}; Slurm's array ids start at 0 with --array=0-${count - 1})`,
    );
  return { index, count };
}

export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;

/** FNV-1a of a string: stable across runtimes and machines. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The shard of every key of one stage: round-robin over the sorted distinct keys, from an offset that
 * depends on `stage`. Same keys and count → the same map, whatever the order the keys came in.
 */
export function partition(stage: string, keys: Iterable<string>, count: number): Map<string, number> {
  const sorted = [...new Set(keys)].sort();
  const start = fnv1a(stage) % count;
  return new Map(sorted.map((k, i) => [k, (start + i) % count]));
}

/**
 * A filter for one stage's item loop: true for the keys of `shard` (all keys when there is no shard).
 * Built once per stage from the stage's whole key list; a key not in the list is an error, since
 * another process could not know it either.
 */
export function shardFilter(stage: string, keys: Iterable<string>, shard?: Shard): (key: string) => boolean {
  if (!shard || shard.count === 1) return () => true;
  const map = partition(stage, keys, shard.count);
  return (key) => {
    const s = map.get(key);
    if (s === undefined) throw new Error(`shard filter '${stage}': key '${key}' is not in the stage's list`);
    return s === shard.index;
  };
}

/** `inShard(key, i, n)` where the key list is not at hand: a hash of the key (balanced only on average). */
export function hashShard(key: string, count: number): number {
  return fnv1a(key) % count;
}

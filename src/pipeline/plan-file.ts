/**
 * A run's plan of one stage, written beside its store so `autogenda status` can say how much of each
 * stage is done and which shards are missing work (issue 15): every item's partition key (what
 * `shard.ts` splits on, known before the item is computed) and its cache key in the store.
 *
 * `<out>/.plan/<stage>.json`, written by the run when a stage's item list is known (before computing
 * it). Every shard of one run computes the same list, so each may write it: the write is atomic and the
 * contents equal. Pure helpers over the store's FsAdapter, no run logic.
 */
import { ConfigError } from '../core/errors.ts';
import type { FsAdapter } from '../storage/fs-adapter.ts';
import { COLLECTIONS, type Collection } from '../storage/schema.ts';

export const PLAN_VERSION = 1;

export interface StagePlan {
  /** The stage's name as progress and the cache tally name it (`caption`, `candidates`, `features`, …). */
  stage: string;
  /**
   * The partition its items are split by when it is not the stage's own: a candidate's feature is
   * computed by the shard that made the candidate (`partition: 'candidates'`, same partition keys).
   */
  partition?: string;
  /** The store collection its items are kept in. */
  collection: Collection;
  /** `[partition key, cache key]` per item, in any order. */
  items: [string, string][];
  /** N of the `--shard I/N` that wrote it; null for a run without --shard. */
  shards: number | null;
}

export const planDir = (out: string): string => `${out.replace(/[/\\]+$/, '')}/.plan`;
const planPath = (out: string, stage: string) => `${planDir(out)}/${encodeURIComponent(stage)}.json`;

export function encodePlan(p: StagePlan): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ version: PLAN_VERSION, ...p }));
}

/** The plan in `bytes`, checked; errors name the file and what is wrong. */
export function decodePlan(bytes: Uint8Array, file: string): StagePlan {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ConfigError(`${file}: not JSON (${(e as Error).message})`);
  }
  const bad = (why: string) => new ConfigError(`${file}: ${why}`);
  if (v === null || typeof v !== 'object') throw bad('not a plan object');
  if (typeof v.version !== 'number' || v.version > PLAN_VERSION)
    throw bad(`plan version ${String(v.version)}; this AutoGenDA reads up to ${PLAN_VERSION}`);
  if (typeof v.stage !== 'string' || !v.stage) throw bad('no stage name');
  if (!COLLECTIONS.includes(v.collection as Collection))
    throw bad(`unknown collection '${String(v.collection)}' (known: ${COLLECTIONS.join(', ')})`);
  if (!(v.shards === null || (Number.isInteger(v.shards) && (v.shards as number) >= 1)))
    throw bad(`shards must be null or a whole number ≥ 1, not ${JSON.stringify(v.shards)}`);
  const items = v.items;
  if (!Array.isArray(items)) throw bad('items must be a list of [partition key, cache key]');
  items.forEach((it, i) => {
    if (!Array.isArray(it) || it.length !== 2 || typeof it[0] !== 'string' || typeof it[1] !== 'string')
      throw bad(`items[${i}] is not [partition key, cache key]: ${JSON.stringify(it)}`);
  });
  return {
    stage: v.stage,
    collection: v.collection as Collection,
    items: items as [string, string][],
    shards: v.shards as number | null,
    ...(typeof v.partition === 'string' && v.partition && { partition: v.partition }),
  };
}

export async function writePlan(fs: FsAdapter, out: string, plan: StagePlan): Promise<void> {
  await fs.mkdirp(planDir(out));
  await fs.writeFile(planPath(out, plan.stage), encodePlan(plan));
}

/** Every stage plan under `out`, sorted by stage name; [] when the run wrote none. */
export async function readPlans(fs: FsAdapter, out: string): Promise<StagePlan[]> {
  const names = (await fs.list(planDir(out))).filter((n) => n.endsWith('.json')).sort();
  const plans: StagePlan[] = [];
  for (const n of names) {
    const file = `${planDir(out)}/${n}`;
    const bytes = await fs.readFile(file);
    if (bytes) plans.push(decodePlan(bytes, file));
  }
  return plans;
}

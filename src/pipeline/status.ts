/**
 * What `autogenda status` reports about a run's store: records per collection (by key kind: the part
 * before the first '/'), and for each stage the run planned (`plan-file.ts`) how many of its items are
 * stored, how many are missing, and how many of the missing ones each shard owns (`shard.ts`), so a
 * failed or unfinished task of a job array shows by its index.
 */
import type { Collection } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import type { StagePlan } from './plan-file.ts';
import { partition } from './shard.ts';

export interface CollectionCount {
  collection: string;
  count: number;
  /** Records per key kind (`caption`, `candidate`, a dataset id, …). */
  kinds: Record<string, number>;
}

export interface StageStatus {
  stage: string;
  collection: string;
  expected: number;
  done: number;
  /** Shard count used for `missingByShard`: the flag's, else the plan's; absent when neither. */
  shards?: number;
  /** Missing items per shard index (only shards with some). */
  missingByShard?: Record<number, number>;
}

export async function collectionCounts(store: Store<Collection>, collections: readonly Collection[]) {
  const out: CollectionCount[] = [];
  for (const c of collections) {
    const kinds: Record<string, number> = {};
    const keys = await store.keys(c);
    for (const k of keys) {
      const kind = k.includes('/') ? k.slice(0, k.indexOf('/')) : '(no prefix)';
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    out.push({ collection: c, count: keys.length, kinds });
  }
  return out;
}

export async function stageStatus(
  store: Store<Collection>,
  plan: StagePlan,
  shards?: number,
): Promise<StageStatus> {
  const stored = new Set(await store.keys(plan.collection));
  const missing = plan.items.filter(([, key]) => !stored.has(key));
  const expected = new Set(plan.items.map(([, key]) => key)).size;
  const res: StageStatus = {
    stage: plan.stage,
    collection: plan.collection,
    expected,
    done: expected - new Set(missing.map(([, key]) => key)).size,
  };
  const n = shards ?? plan.shards ?? undefined;
  if (n && n > 1) {
    const owner = partition(
      plan.partition ?? plan.stage,
      plan.items.map(([part]) => part),
      n,
    );
    const by: Record<number, number> = {};
    for (const [part] of missing) {
      const s = owner.get(part) as number;
      by[s] = (by[s] ?? 0) + 1;
    }
    res.shards = n;
    res.missingByShard = by;
  }
  return res;
}

/** The report as lines, for the terminal. */
export function formatStatus(counts: CollectionCount[], stages: StageStatus[]): string[] {
  const lines = ['stored records:'];
  for (const c of counts) {
    const kinds = Object.entries(c.kinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(`  ${c.collection.padEnd(16)} ${String(c.count).padStart(7)}${kinds ? `  (${kinds})` : ''}`);
  }
  if (stages.length === 0) {
    lines.push('no plan: this run wrote no .plan/ (expected counts and missing shards are unknown)');
    return lines;
  }
  lines.push('planned stages:');
  for (const s of stages) {
    const missing = s.expected - s.done;
    let line = `  ${s.stage.padEnd(16)} ${s.done}/${s.expected} done`;
    if (missing === 0) line += ', complete';
    else if (s.missingByShard) {
      const by = Object.entries(s.missingByShard)
        .map(([i, n]) => `${i}/${s.shards} (${n})`)
        .join(', ');
      line += `, ${missing} missing; shards with missing work: ${by}`;
    } else line += `, ${missing} missing`;
    lines.push(line);
  }
  return lines;
}

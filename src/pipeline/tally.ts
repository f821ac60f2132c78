/** Per stage: how many items were computed now and how many were found in the store (resume proof). */
import type { StageName } from '../core/progress.ts';

export interface StageCount {
  computed: number;
  cached: number;
}

export type Tally = Partial<Record<StageName, StageCount>>;

export function count(t: Tally, stage: StageName, wasCached: boolean): void {
  const c = t[stage] ?? { computed: 0, cached: 0 };
  t[stage] = c;
  if (wasCached) c.cached++;
  else c.computed++;
}

/** 'caption 4 computed, 8 cached; features …' in stage order of the tally. */
export function formatTally(t: Tally): string {
  return Object.entries(t)
    .map(([s, c]) => `${s} ${c?.computed ?? 0} computed, ${c?.cached ?? 0} cached`)
    .join('; ');
}

export function totalComputed(t: Tally): number {
  return Object.values(t).reduce((a, c) => a + (c?.computed ?? 0), 0);
}

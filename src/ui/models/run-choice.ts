/** The run-choice texts and rules of the Models screen (pure). */
import type { Task } from '../../models/manifest.ts';
import { TASKS } from '../../models/manifest.ts';
import { FIXTURES_LABEL } from '../models-label.ts';

export { FIXTURES_LABEL };

export function cacheLabel(ids: Record<Task, string>): string {
  return `downloaded models: ${TASKS.map((t) => `${ids[t]} (${t})`).join(', ')}`;
}

export function localLabel(name: string, plumbingOnly: boolean): string {
  return plumbingOnly
    ? `local folder '${name}' (its index says: random-weight plumbing models, not a result)`
    : `local folder '${name}'`;
}

/** The chosen cached model per task, or the tasks that still lack one. */
export function cacheChoice(
  picks: Partial<Record<Task, string>>,
  cached: ReadonlySet<string>,
): { ids: Record<Task, string> } | { missing: Task[] } {
  const missing = TASKS.filter((t) => !picks[t] || !cached.has(picks[t]!));
  return missing.length ? { missing } : { ids: picks as Record<Task, string> };
}

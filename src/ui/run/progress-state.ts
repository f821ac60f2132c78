/** Per-stage progress of one run, folded from StageProgress events (pure; the ETA clock is injected). */
import {
  type Clock,
  createEta,
  STAGE_NAMES,
  type StageName,
  type StageProgress,
} from '../../core/progress.ts';

/** The stages runPipeline reports; export happens after it, in one step. */
export const RUN_STAGES: readonly StageName[] = STAGE_NAMES.filter((s) => s !== 'export');

export interface StageState {
  done: number;
  total: number;
  unit?: string;
  etaSeconds?: number;
  /** The latest message of the stage (e.g. which training run), kept until another replaces it. */
  message?: string;
}

export type RunProgress = Partial<Record<StageName, StageState>>;

export function progressTracker(now?: Clock) {
  const etas = new Map<StageName, ReturnType<typeof createEta>>();
  return (prev: RunProgress, p: StageProgress): RunProgress => {
    let eta = etas.get(p.stage);
    if (!eta) {
      eta = createEta(now);
      etas.set(p.stage, eta);
    }
    const etaSeconds = p.etaSeconds ?? eta(p.done, p.total);
    const message = p.message ?? prev[p.stage]?.message;
    return { ...prev, [p.stage]: { done: p.done, total: p.total, unit: p.unit, etaSeconds, message } };
  };
}

/** Overall fraction: every stage weighs the same; an unseen stage counts as not started. */
export function overallFraction(p: RunProgress): number {
  let sum = 0;
  for (const s of RUN_STAGES) {
    const st = p[s];
    if (st && st.total > 0) sum += Math.min(1, st.done / st.total);
  }
  return sum / RUN_STAGES.length;
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds <= 0) return 'done';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

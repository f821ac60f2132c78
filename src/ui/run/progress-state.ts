/** Per-stage progress of one run, folded from StageProgress events (pure; the ETA clock is injected). */
import {
  type Clock,
  createEta,
  STAGE_NAMES,
  type StageName,
  type StageProgress,
  stageFraction,
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
  /** Set when the stage runs once per part (training runs): done/total count within the part. */
  part?: { index: number; count: number };
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
    // The ETA follows the whole stage (all parts), assuming parts of equal size.
    const etaSeconds = p.etaSeconds ?? eta(stageFraction(p) * 1e6, 1e6);
    const message = p.message ?? prev[p.stage]?.message;
    const next: StageState = { done: p.done, total: p.total, unit: p.unit, etaSeconds, message };
    if (p.part) next.part = p.part;
    return { ...prev, [p.stage]: next };
  };
}

/** Overall fraction: every stage weighs the same; an unseen stage counts as not started. */
export function overallFraction(p: RunProgress): number {
  let sum = 0;
  for (const s of RUN_STAGES) {
    const st = p[s];
    if (st) sum += stageFraction(st);
  }
  return sum / RUN_STAGES.length;
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds <= 0) return 'done';
  if (seconds < 60) return `about ${Math.ceil(seconds)} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

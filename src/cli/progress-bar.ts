/** Renders stage progress as one terminal line: `search  [#####-----]  52%  416/800 steps  ETA 7s`. */
import { createEta, type StageProgress } from '../core/progress.ts';

const WIDTH = 24;

export function progressLine(p: StageProgress, etaSeconds: number | undefined): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  const eta = etaSeconds === undefined || p.done >= p.total ? '' : `  ETA ${formatSeconds(etaSeconds)}`;
  const pct = `${Math.floor(frac * 100)}`.padStart(3);
  const count = p.unit ? `  ${p.done}/${p.total} ${p.unit}` : '';
  const what = p.message ? `  ${p.message}` : '';
  return `${p.stage.padEnd(9)} [${bar}] ${pct}%${count}${eta}${what}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A progress callback that feeds `status(line, final)` with one ETA estimator per stage. */
export function progressBar(status: (line: string, final: boolean) => void): (p: StageProgress) => void {
  const etas = new Map<string, ReturnType<typeof createEta>>();
  return (p) => {
    let eta = etas.get(p.stage);
    if (!eta || p.done === 0) {
      eta = createEta();
      etas.set(p.stage, eta);
    }
    status(progressLine(p, eta(p.done, p.total)), p.done >= p.total);
  };
}

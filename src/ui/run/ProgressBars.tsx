/** One overall bar, then a labelled bar per stage with its count and ETA (only while running: a stopped run has none). */

import { stageFraction } from '../../core/progress.ts';
import { formatCount } from '../format.ts';
import {
  formatEta,
  overallFraction,
  RUN_STAGES,
  type RunProgress,
  type StageState,
} from './progress-state.ts';

/** '12 / 20 images'; for a stage run in parts, which part first ('autogenda, seed 1 (run 2 of 9): 12 / 20 steps'). */
function countText(st: StageState) {
  const count = st.unit ? `${formatCount(st.done)} / ${formatCount(st.total)} ${st.unit}` : '';
  if (!st.message) return count;
  return (
    <>
      <span class="stage-message">{st.message}</span>
      {count && `: ${count}`}
    </>
  );
}

export function ProgressBars({ progress, live }: { progress: RunProgress; live: boolean }) {
  const overall = overallFraction(progress);
  return (
    <div class="progress" data-testid="run-progress">
      <label class="progress-overall">
        <span>Overall {Math.round(overall * 100)}%</span>
        <progress max={1} value={overall} />
      </label>
      <ul class="stage-bars">
        {RUN_STAGES.map((s) => {
          const st = progress[s];
          return (
            <li key={s} data-stage={s}>
              <label>
                <span class="stage-name">{s}</span>
                <progress max={1} value={st ? stageFraction(st) : 0} />
                <span class="stage-count">{st ? countText(st) : 'waiting'}</span>
                <span class="stage-eta">{live || st?.etaSeconds === 0 ? formatEta(st?.etaSeconds) : ''}</span>
              </label>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

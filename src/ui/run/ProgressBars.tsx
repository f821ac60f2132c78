/** One overall bar, then a labelled bar per stage with its count and ETA (only while running: a stopped run has none). */
import { formatCount } from '../format.ts';
import { formatEta, overallFraction, RUN_STAGES, type RunProgress } from './progress-state.ts';

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
                <progress max={st?.total || 1} value={st ? st.done : 0} />
                <span class="stage-count">
                  {st ? `${formatCount(st.done)} / ${formatCount(st.total)} ${st.unit ?? ''}` : 'waiting'}
                  {st?.message && <span class="stage-message"> · {st.message}</span>}
                </span>
                <span class="stage-eta">{live || st?.etaSeconds === 0 ? formatEta(st?.etaSeconds) : ''}</span>
              </label>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

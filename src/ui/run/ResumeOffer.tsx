/** "Resume the run": shown when the last run in this browser was interrupted (reload, closed tab). */
import { useState } from 'preact/hooks';
import { go } from '../app/route.ts';
import { runPhase } from '../app/state.ts';
import { startRun } from './run-control.ts';
import { unfinishedRun } from './run-state.ts';

export function ResumeOffer() {
  const [run] = useState(unfinishedRun);
  if (!run || runPhase.value.kind !== 'idle') return null;
  const resume = () => {
    go('run');
    void startRun(run.request, run.datasetName);
  };
  return (
    <section class="resume" aria-label="Unfinished run" data-testid="resume-offer">
      <p>
        A run on <strong>{run.datasetName}</strong> was interrupted (the tab was closed or reloaded). What it
        finished is cached in this browser; resuming computes only what is missing.
      </p>
      <button type="button" onClick={resume}>
        Resume the run
      </button>
    </section>
  );
}

/**
 * "Run the demo": the whole pipeline on the procedural demo dataset with the random-weight fixture
 * models, in the pipeline worker. Labelled loudly as a plumbing check from the first click, because
 * nothing it shows is a result.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { StageProgress } from '../../core/progress.ts';
import type { DemoRunSummary } from '../../pipeline/run-browser.ts';
import { ProgressBars } from './ProgressBars.tsx';
import { progressTracker, type RunProgress } from './progress-state.ts';
import { Results } from './Results.tsx';
import { type RunHandle, startDemoRun } from './run-client.ts';
import { clearRunState, hasUnfinishedRun, markRunStarted } from './run-state.ts';

type Phase =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: DemoRunSummary }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export function RunPanel() {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [progress, setProgress] = useState<RunProgress>({});
  const [resumable, setResumable] = useState(false);
  const handle = useRef<RunHandle | undefined>(undefined);
  useEffect(() => {
    setResumable(hasUnfinishedRun());
    return () => handle.current?.cancel();
  }, []);

  const start = () => {
    const fold = progressTracker();
    setResumable(false);
    setProgress({});
    setPhase({ kind: 'running' });
    markRunStarted();
    const h = startDemoRun((p: StageProgress) => setProgress((prev) => fold(prev, p)));
    handle.current = h;
    h.result.then(
      (result) => {
        if (handle.current !== h) return;
        clearRunState();
        setPhase({ kind: 'done', result });
      },
      (e: Error) => {
        if (handle.current !== h) return;
        clearRunState();
        setPhase(
          e.name === 'CancelledError' ? { kind: 'cancelled' } : { kind: 'failed', message: e.message },
        );
      },
    );
  };
  const running = phase.kind === 'running';

  return (
    <section class="panel" id="run" aria-labelledby="run-heading">
      <h2 id="run-heading">Run the demo</h2>
      <p>
        Runs the whole AutoGenDA pipeline here, on your GPU, on a tiny built-in dataset (3 classes of drawn
        shapes): caption, neighbours, img2img candidates, features, policy search, training, evaluation.
      </p>
      <p class="plumbing" data-testid="plumbing-label">
        PLUMBING CHECK: the demo uses tiny random-weight fixture models. It shows that everything runs; its
        captions, images, policy and accuracies mean nothing.
      </p>
      {resumable && !running && (
        <section class="resume" aria-label="Unfinished run" data-testid="resume-offer">
          <p>
            A demo run was interrupted (the tab was closed or reloaded). What it finished is cached in this
            browser; resuming computes only what is missing.
          </p>
          <button type="button" onClick={start}>
            Resume the demo run
          </button>
        </section>
      )}
      <div class="actions">
        <button type="button" onClick={start} disabled={running}>
          Run the demo
        </button>
        <button type="button" onClick={() => handle.current?.cancel()} disabled={!running}>
          Cancel
        </button>
      </div>
      {phase.kind !== 'idle' && <ProgressBars progress={progress} live={running} />}
      <div aria-live="polite" class="run-outcome">
        {running && <p>Running… the page stays usable while the worker computes.</p>}
        {phase.kind === 'cancelled' && (
          <p>Cancelled. Finished items stay cached; running again reuses them.</p>
        )}
        {phase.kind === 'failed' && (
          <p class="error" data-testid="run-error">
            The run failed: {phase.message}
          </p>
        )}
      </div>
      {phase.kind === 'done' && <Results r={phase.result} />}
    </section>
  );
}

/**
 * The Inspect screen: the latest finished run, as the paper looks at it — the gallery per class,
 * Fig. 3 (class frequency vs accuracy), Fig. 4 (policy per class), Fig. 6 (policy convergence) and
 * the methods table with its rank tests. Everything from the run's data is rendered as text.
 */
import type { RunSummary } from '../../pipeline/app/contract.ts';
import { runPhase, runResult } from '../app/state.ts';
import { ConvergenceFigure } from './ConvergenceFigure.tsx';
import { FrequencyFigure } from './FrequencyFigure.tsx';
import { Gallery } from './Gallery.tsx';
import { MethodsTable } from './MethodsTable.tsx';
import { methodNames, profileRuns, runProfiles } from './methods-data.ts';
import { PolicyFigure } from './PolicyFigure.tsx';
import './inspect.css';

const PLUMBING_FALLBACK =
  'PLUMBING CHECK, NOT A RESULT: this run used fixture models with random weights. The images, captions, ' +
  'policies and accuracies below only show that the pipeline runs end to end; they mean nothing.';

export function InspectSection() {
  const r = runResult.value;
  const phase = runPhase.value;
  return (
    <section class="panel inspect" aria-labelledby="inspect-heading" data-testid="inspect">
      <h2 id="inspect-heading">Inspect</h2>
      {phase.kind === 'running' && (
        <p class="muted" data-testid="inspect-running">
          A run on {phase.datasetName} is in progress
          {r
            ? '; below is the previous run until it finishes.'
            : '; its results will show here when it finishes.'}
        </p>
      )}
      {r ? (
        <Inspect r={r} />
      ) : (
        <p data-testid="inspect-empty">
          No finished run yet. <a href="#run">Go to Run</a> to start one; its gallery, figures and method
          comparison will show here.
        </p>
      )}
    </section>
  );
}

function Inspect({ r }: { r: RunSummary }) {
  const methods = methodNames(r.runs);
  const seeds = new Set(r.runs.map((x) => x.seed)).size;
  const profiles = runProfiles(r);
  // the figures show the exported (first) profile; the methods table compares every profile
  const shown: RunSummary = { ...r, runs: profileRuns(r) };
  return (
    <div class="inspect-body">
      {r.plumbingOnly && (
        <p class="plumbing" data-testid="inspect-plumbing">
          {r.warning ?? PLUMBING_FALLBACK}
        </p>
      )}
      <p class="inspect-meta" data-testid="inspect-meta">
        <strong>{r.dataset.name}</strong>: {r.classes.length} classes,{' '}
        {r.trainCounts.reduce((a, b) => a + b, 0)} training images, {r.testCount} test images;{' '}
        {methods.length} {methods.length === 1 ? 'method' : 'methods'} ({methods.join(', ')}) × {seeds}{' '}
        {seeds === 1 ? 'seed' : 'seeds'}
        {profiles.length > 1 &&
          ` × ${profiles.length} profiles (${profiles.join(', ')}; figures: ${profiles[0]})`}
        .
      </p>
      <section class="inspect-block" aria-labelledby="inspect-gallery">
        <h3 id="inspect-gallery" class="figure-title">
          Gallery per class
        </h3>
        <p class="figure-desc">
          A few training originals per class with the caption made for each, and the images generated from
          them: local-caption images use a caption of the same class (Eq. 1), transfer-caption images a
          caption of a neighbour class with the class name put in (Eq. 2).
        </p>
        <Gallery gallery={r.gallery} />
      </section>
      <FrequencyFigure summary={shown} />
      <PolicyFigure summary={shown} />
      <ConvergenceFigure summary={shown} />
      <MethodsTable summary={r} />
    </div>
  );
}

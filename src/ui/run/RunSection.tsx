/**
 * Run: which dataset and models, the settings, one overall bar plus a bar per stage with counts and
 * ETA, cancel, and where to look when it is done. All work happens in the pipeline worker.
 */

import { signal } from '@preact/signals';
import type { PickedFile, RunSettings } from '../../pipeline/app/contract.ts';
import { formatModelCalls } from '../../pipeline/export/report.ts';
import { formatTally } from '../../pipeline/tally.ts';
import { DEFAULT_SETTINGS, DEMO_SETTINGS } from '../app/settings-defaults.ts';
import {
  dataset,
  models,
  modelsLabel,
  runDownload,
  runPhase,
  runProgress,
  runRestarts,
  runResult,
  settings,
} from '../app/state.ts';
import { formatBytes } from '../format.ts';
import { ProgressBars } from './ProgressBars.tsx';
import { ResumeOffer } from './ResumeOffer.tsx';
import { cancelRun, startRun } from './run-control.ts';
import { SettingsForm } from './SettingsForm.tsx';
import { settingsProblem } from './settings-form.ts';

export function RunSection() {
  const phase = runPhase.value;
  const running = phase.kind === 'running';
  const ds = dataset.value;
  const problem = settingsProblem(settings.value);
  const start = () => {
    if (!ds) return;
    const ti = tiFiles.value.length ? { ti: tiFiles.value } : {};
    void startRun({ datasetId: ds.id, models: models.value, settings: settings.value, ...ti }, ds.name);
  };
  const result = runResult.value;
  return (
    <section class="panel" aria-labelledby="run-heading">
      <h2 id="run-heading">Run</h2>
      <ResumeOffer />
      <dl class="run-inputs">
        <dt>Dataset</dt>
        <dd data-testid="run-dataset">
          {ds ? (
            `${ds.name}: ${ds.images} images in ${ds.classes.length} classes`
          ) : (
            <>
              none yet: <a href="#import">import one</a> or run the demo from <a href="#start">Start</a>
            </>
          )}
        </dd>
        <dt>Models</dt>
        <dd data-testid="run-models">
          {modelsLabel.value} (<a href="#models">change</a>)
        </dd>
      </dl>
      {ds && !ds.demo && sameSettings(settings.value, DEMO_SETTINGS) && (
        <p class="notice notice-warn" data-testid="demo-settings-note">
          These are the demo's quick settings (1 + 1 candidates, 2 denoising steps, 10 epochs).{' '}
          <button
            type="button"
            class="secondary"
            disabled={running}
            onClick={() => {
              settings.value = DEFAULT_SETTINGS;
            }}
          >
            Use the defaults
          </button>
        </p>
      )}
      <SettingsForm disabled={running} />
      <TiPicker disabled={running} />
      {problem && (
        <p class="error" role="alert" data-testid="settings-problem">
          These settings cannot run: {problem}
        </p>
      )}
      <div class="actions">
        <button type="button" data-testid="run-start" onClick={start} disabled={running || !ds || !!problem}>
          Run
        </button>
        <button type="button" data-testid="run-cancel" onClick={cancelRun} disabled={!running}>
          Cancel
        </button>
      </div>
      {phase.kind !== 'idle' && <ProgressBars progress={runProgress.value} live={running} />}
      {phase.kind !== 'idle' && runRestarts.value.length > 0 && (
        <ul class="run-restarts" aria-live="polite" data-testid="run-restarts">
          {runRestarts.value.map((note) => (
            <li class="notice notice-warn" key={note}>
              {note}
            </li>
          ))}
        </ul>
      )}
      {running && runDownload.value && (
        <p class="muted" data-testid="run-download">
          Fetching {runDownload.value.file} again (it left the model cache):{' '}
          {formatBytes(runDownload.value.loaded)}
          {runDownload.value.total ? ` of ${formatBytes(runDownload.value.total)}` : ''}
        </p>
      )}
      <div aria-live="polite" class="run-outcome">
        {running && (
          <p>
            Running on {phase.datasetName}… the page stays usable while the worker computes; you can look at
            other sections meanwhile.
          </p>
        )}
        {phase.kind === 'cancelled' && (
          <p>Cancelled. Finished items stay cached; running again reuses them.</p>
        )}
        {phase.kind === 'failed' && (
          <p class="error" data-testid="run-error">
            The run failed: {phase.message}
          </p>
        )}
        {phase.kind === 'done' && result && (
          <div data-testid="run-done">
            {result.warning && (
              <p class="plumbing" data-testid="plumbing-warning">
                {result.warning}
              </p>
            )}
            <p data-testid="reuse">
              Done: {result.runs.length} training run(s) on {result.dataset.name}. Cache:{' '}
              {formatTally(result.tally)}.
            </p>
            {result.generation && (
              <p data-testid="run-generation">
                img2img: strength {result.generation.strength}, {result.generation.steps} steps, guidance{' '}
                {result.generation.guidance > 1 ? result.generation.guidance : 'off'}; model calls:{' '}
                {formatModelCalls(result.modelCalls)}.
              </p>
            )}
            {result.notes?.map((n) => (
              <p class="notice" key={n} data-testid="run-note">
                {n}
              </p>
            ))}
            <p class="actions">
              <a class="button" href="#inspect">
                Inspect the results
              </a>
              <a class="button" href="#export">
                Export
              </a>
            </p>
          </div>
        )}
      </div>
    </section>
  );
}

const sameSettings = (a: RunSettings, b: RunSettings) => JSON.stringify(a) === JSON.stringify(b);

/** Textual-inversion files for the next run (kept in memory only: a reload forgets picked files). */
const tiFiles = signal<PickedFile[]>([]);

function TiPicker({ disabled }: { disabled: boolean }) {
  const files = tiFiles.value;
  return (
    <fieldset disabled={disabled} class="ti-picker">
      <legend>Textual inversion (optional)</legend>
      <label class="field">
        <span class="field-label">Embedding files</span>
        <input
          type="file"
          data-testid="ti-files"
          multiple
          accept=".safetensors,.json"
          onChange={(e) => {
            const picked = [...((e.currentTarget as HTMLInputElement).files ?? [])];
            tiFiles.value = picked.map((file) => ({ path: file.name, file }));
          }}
        />
        <span class="field-hint">
          DA-Fusion / diffusers learned embeddings, one token per class named after it (e.g. &lt;ankle
          boot&gt;); the class name in each prompt of that class is replaced by its token.
        </span>
      </label>
      {files.length > 0 && (
        <p data-testid="ti-chosen">
          {files.map((f) => f.path).join(', ')}{' '}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              tiFiles.value = [];
            }}
          >
            Remove
          </button>
        </p>
      )}
    </fieldset>
  );
}

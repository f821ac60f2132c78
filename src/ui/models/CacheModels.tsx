/** The bundled models per task, downloads into this browser's cache, and choosing them for the next run. */
import { TASKS } from '../../models/manifest.ts';
import { models } from '../app/state.ts';
import { formatBytes } from '../format.ts';
import { MirrorSetting } from './MirrorSetting.tsx';
import {
  cache,
  cachedIds,
  cacheError,
  clearCache,
  effectivePicks,
  estimate,
  summaries,
  useCache,
} from './models-state.ts';
import { cacheChoice } from './run-choice.ts';
import { TaskModels } from './TaskModels.tsx';

export function CacheModels() {
  const choice = cacheChoice(effectivePicks.value, cachedIds.value);
  const held = Object.values(summaries.value).reduce((n, s) => n + s.held, 0);
  const current = models.value;
  const inUse =
    current.kind === 'cache' &&
    'ids' in choice &&
    Object.entries(choice.ids).every(([t, id]) => current.ids[t as keyof typeof current.ids] === id);
  return (
    <section class="panel" aria-labelledby="download-heading">
      <h2 id="download-heading">Download models</h2>
      <p>
        Files are fetched from each model's source (or your mirror), checked against the manifest's sha256
        where it records one, and kept in this browser's private storage. An interrupted download resumes.
      </p>
      <MirrorSetting />
      <p class="muted" data-testid="storage">
        {estimate.value
          ? `Cached models: ${formatBytes(held)}. This site uses ${formatBytes(estimate.value.usage)} of the ${formatBytes(estimate.value.quota)} the browser allows.`
          : `Cached models: ${formatBytes(held)}. The browser does not say how much it lets the app store.`}
      </p>
      {cacheError.value && <p class="error">{cacheError.value}</p>}
      {cache.value === undefined ? (
        <p class="muted">Reading the model cache…</p>
      ) : (
        TASKS.map((t) => <TaskModels key={t} task={t} />)
      )}
      <div class="actions">
        <button
          type="button"
          onClick={useCache}
          disabled={'missing' in choice || inUse}
          data-testid="use-cache"
        >
          {inUse ? 'Using these downloaded models' : 'Use the chosen downloaded models'}
        </button>
        <button type="button" class="secondary" onClick={() => void clearCache()} disabled={held === 0}>
          Clear all cached models
        </button>
      </div>
      {'missing' in choice && (
        <p class="muted" data-testid="cache-missing">
          To run on downloaded models, download one for: {choice.missing.join(', ')}.
        </p>
      )}
    </section>
  );
}

/** One bundled model: what it is, its size and cache state, download / cancel / clear, and the pick radio. */
import type { ModelManifest } from '../../models/manifest.ts';
import { CheckResult } from './CheckResult.tsx';
import { sizeText, stateText } from './cache-status.ts';
import { DownloadBars } from './DownloadBars.tsx';
import {
  cancelDownload,
  checks,
  clearCache,
  downloads,
  effectivePicks,
  estimate,
  picks,
  runCheck,
  startDownload,
  stillNeeded,
  summaries,
} from './models-state.ts';
import { quotaVerdict } from './quota.ts';

export function ModelRow({ m }: { m: ModelManifest }) {
  const s = summaries.value[m.id];
  const d = downloads.value[m.id];
  const running = d?.phase === 'running';
  const cached = s.state === 'cached';
  const chosen = effectivePicks.value[m.task] === m.id;
  const pick = () => {
    picks.value = { ...picks.value, [m.task]: m.id };
  };
  return (
    <article class="model-row" data-model={m.id} data-state={s.state}>
      <label class="model-head">
        <input
          type="radio"
          name={`pick-${m.task}`}
          checked={cached && chosen}
          disabled={!cached}
          onChange={pick}
          aria-label={`Use ${m.id} as the ${m.task}`}
        />
        <strong class="model-id">{m.id}</strong>
        <span class="chip">licence: {m.license ?? 'not stated'}</span>
        <span class="chip">{sizeText(m, s)}</span>
        <span class={`cache-state cache-${s.state}`} data-testid="cache-state">
          {stateText(s)}
        </span>
      </label>
      {m.description && <p class="model-description">{m.description}</p>}
      {!cached && !running && (
        <p class="muted model-quota">{quotaVerdict(stillNeeded(m.id), estimate.value).text}</p>
      )}
      <div class="actions">
        {running ? (
          <button type="button" onClick={() => cancelDownload(m.id)}>
            Cancel
          </button>
        ) : (
          !cached && (
            <button type="button" onClick={() => void startDownload(m.id)}>
              {s.state === 'partial' ? 'Resume download' : 'Download'}
            </button>
          )
        )}
        {cached && (
          <button
            type="button"
            class="secondary"
            data-testid="check-model"
            disabled={running || (checks.value[m.id] !== undefined && 'running' in checks.value[m.id])}
            onClick={() => void runCheck(m.id)}
            title="known-answer checks on this machine: docs/MODELS-CHECK.md"
          >
            Check
          </button>
        )}
        {s.held > 0 && (
          <button type="button" class="secondary" onClick={() => void clearCache(m.id)} disabled={running}>
            Clear
          </button>
        )}
      </div>
      {d && <DownloadBars view={d} />}
      <CheckResult id={m.id} />
    </article>
  );
}

/** A finished demo run: the plumbing warning first, then the policy, the metrics and the download. */
import { useEffect, useMemo } from 'preact/hooks';
import type { DemoRunSummary } from '../../pipeline/run-browser.ts';
import { formatTally } from '../../pipeline/tally.ts';
import { formatBytes } from '../format.ts';
import { Gallery } from './Gallery.tsx';
import { MetricsTable } from './MetricsTable.tsx';
import { PolicyBars } from './PolicyBars.tsx';

export function Results({ r }: { r: DemoRunSummary }) {
  const url = useMemo(
    () => URL.createObjectURL(new Blob([r.zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' })),
    [r],
  );
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <div class="results" data-testid="run-results">
      {r.warning && (
        <p class="plumbing" data-testid="plumbing-warning">
          {r.warning}
        </p>
      )}
      <p class="reuse" data-testid="reuse">
        Items reused from the cache: {cached(r)}; computed now: {computed(r)} ({formatTally(r.tally)}).
      </p>
      <h3>Gallery per class</h3>
      <Gallery gallery={r.gallery} />
      <h3>Policy per class</h3>
      <PolicyBars classes={r.classes} sources={r.sources} probs={r.probs} />
      <h3>Metrics</h3>
      <MetricsTable r={r} />
      <p class="models">
        Models:{' '}
        {Object.entries(r.models)
          .map(([t, id]) => `${t} ${id}`)
          .join(', ')}
      </p>
      <a class="button" href={url} download="autogenda-demo.zip" data-testid="download-zip">
        Download dataset zip ({formatBytes(r.zip.length)})
      </a>
    </div>
  );
}

function cached(r: DemoRunSummary): number {
  return Object.values(r.tally).reduce((a, c) => a + (c?.cached ?? 0), 0);
}

function computed(r: DemoRunSummary): number {
  return Object.values(r.tally).reduce((a, c) => a + (c?.computed ?? 0), 0);
}

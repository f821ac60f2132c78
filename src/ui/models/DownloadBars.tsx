/** A model download's total bar, a bar per file, and how it ended. */
import { formatBytes } from '../format.ts';
import type { Bytes, DownloadView } from './models-state.ts';

const amount = (b: Bytes) =>
  b.total > 0 ? `${formatBytes(b.loaded)} / ${formatBytes(b.total)}` : `${formatBytes(b.loaded)} so far`;

export function DownloadBars({ view }: { view: DownloadView }) {
  return (
    <div class="download" data-testid="download" data-phase={view.phase}>
      {view.phase !== 'failed' && (
        <>
          <label class="download-total">
            <span>Total</span>
            <progress max={view.total.total || 1} value={view.total.total ? view.total.loaded : undefined} />
            <span class="download-bytes" data-testid="download-total">
              {amount(view.total)}
            </span>
          </label>
          {view.phase !== 'done' && (
            <ul class="download-files">
              {Object.entries(view.files).map(([path, b]) => (
                <li key={path}>
                  <label>
                    <span class="download-path">{path}</span>
                    <progress max={b.total || 1} value={b.total ? b.loaded : undefined} />
                    <span class="download-bytes">{amount(b)}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {view.message && (
        <p class={view.phase === 'failed' ? 'error' : 'muted'} data-testid="download-message">
          {view.message}
        </p>
      )}
    </div>
  );
}

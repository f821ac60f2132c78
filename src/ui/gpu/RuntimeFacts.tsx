/** Cross-origin isolation (threaded wasm) and the storage quota: the non-GPU half of "can it run". */
import type { StorageEstimate } from '../environment.ts';
import { formatBytes } from '../format.ts';

export function RuntimeFacts({
  isolated,
  storage,
}: {
  isolated: boolean | undefined;
  storage: StorageEstimate | undefined;
}) {
  return (
    <dl class="runtime">
      <div class={isolated ? 'ok' : 'warn'} data-testid="isolation">
        <dt>Multi-threaded wasm</dt>
        <dd>
          {isolated === true &&
            'Available: the page is cross-origin isolated, so CPU fallbacks can use several threads.'}
          {isolated === false &&
            'Unavailable: the page is not cross-origin isolated (no COOP/COEP headers), so CPU fallbacks run on one thread.'}
          {isolated === undefined && 'Unknown: this browser does not report cross-origin isolation.'}
        </dd>
      </div>
      <div class={storage ? 'ok' : 'warn'} data-testid="storage">
        <dt>Storage for models and datasets</dt>
        <dd>
          {storage ? (
            <StorageMeter storage={storage} />
          ) : (
            'Unknown: this browser does not estimate its storage quota.'
          )}
        </dd>
      </div>
    </dl>
  );
}

function StorageMeter({ storage }: { storage: StorageEstimate }) {
  const { usage, quota } = storage;
  return (
    <>
      {formatBytes(usage)} used of about {formatBytes(quota)} available to this site.
      <meter min={0} max={quota || 1} value={usage} aria-label="Storage used" />
    </>
  );
}

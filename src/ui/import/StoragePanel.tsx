/**
 * What this app keeps in the browser's IndexedDB, per collection, and the runs' export zips in OPFS, and a
 * way to free the part a run can compute again (captions, candidates, features, trained runs, zips).
 * Imported datasets stay; deleting one is done in the list above.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CollectionUsage } from '../../storage/store.ts';
import { pipelineTask } from '../app/pipeline-client.ts';
import { runPhase } from '../app/state.ts';
import { formatBytes, formatCount } from '../format.ts';

export function StoragePanel() {
  const [usage, setUsage] = useState<CollectionUsage[] | undefined>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const refresh = () =>
    pipelineTask((api) => api.storageUsage()).result.then(setUsage, (e: Error) =>
      setNote(`The storage use could not be read: ${e.message}`),
    );
  useEffect(() => {
    void refresh();
  }, []);
  const running = runPhase.value.kind === 'running';
  const clear = async () => {
    setBusy(true);
    setNote(undefined);
    try {
      const n = await pipelineTask((api) => api.clearCachedItems()).result;
      await refresh(); // the table first, so the note never sits next to stale numbers
      setNote(`Deleted ${formatCount(n)} cached items; a run computes them again when needed.`);
    } catch (e) {
      setNote(`The cache could not be cleared: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const rows = (usage ?? []).filter((u) => u.count > 0);
  const total = rows.reduce((a, u) => a + u.bytes, 0);
  return (
    <section class="panel" aria-labelledby="storage-heading" data-testid="storage">
      <h2 id="storage-heading">Storage in this browser</h2>
      {usage === undefined ? (
        <p class="muted">Reading…</p>
      ) : rows.length === 0 ? (
        <p data-testid="storage-total">Nothing stored yet.</p>
      ) : (
        <>
          <p data-testid="storage-total">
            {formatBytes(total)} in {formatCount(rows.reduce((a, u) => a + u.count, 0))} items.
          </p>
          <table class="limits">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Items</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.collection} data-collection={u.collection}>
                  <th scope="row">{u.collection}</th>
                  <td>{formatCount(u.count)}</td>
                  <td>{formatBytes(u.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          data-testid="clear-cached"
          disabled={busy || running || rows.length === 0}
          onClick={() => void clear()}
        >
          Clear cached results
        </button>
      </div>
      <p class="muted">
        Keeps the imported datasets; a later run recomputes captions, candidates, features, training and
        exports.
        {running && ' Not while a run is using them.'}
      </p>
      {note && (
        <p role="status" data-testid="storage-note">
          {note}
        </p>
      )}
    </section>
  );
}

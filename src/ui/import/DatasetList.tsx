/**
 * The datasets imported into this browser (they survive reloads): which one the next run uses, choose
 * another, delete one (after a second click; not while a run may be reading it), or go straight to Run.
 */
import { useState } from 'preact/hooks';
import type { StoredDataset } from '../../pipeline/app/contract.ts';
import { go } from '../app/route.ts';
import { dataset, datasets, runPhase } from '../app/state.ts';
import { formatCount } from '../format.ts';
import { removeDataset } from './import-client.ts';
import { listProblem } from './import-state.ts';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

function DatasetRow({ d, selected, busy }: { d: StoredDataset; selected: boolean; busy: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = () => {
    setDeleting(true);
    listProblem.value = undefined;
    removeDataset(d.id).catch((e: Error) => {
      listProblem.value = `${d.name} could not be deleted: ${e.message}`;
      setDeleting(false);
      setConfirming(false);
    });
  };
  return (
    <li class={`dataset${selected ? ' dataset-selected' : ''}`} data-testid="dataset" data-id={d.id}>
      <div class="dataset-facts">
        <span class="dataset-name">{d.name}</span>
        {d.demo && <span class="badge badge-demo">demo</span>}
        {selected && <span class="badge badge-selected">next run</span>}
        <span class="muted dataset-counts">
          {formatCount(d.images)} images in {d.classes.length} classes · imported {when(d.importedAt)}
        </span>
      </div>
      <div class="dataset-actions">
        {!selected && (
          <button type="button" class="secondary" onClick={() => (dataset.value = d)}>
            Select<span class="sr-only"> {d.name}</span>
          </button>
        )}
        <button
          type="button"
          data-testid="use-dataset"
          onClick={() => {
            dataset.value = d;
            go('run');
          }}
        >
          Use this dataset → Run<span class="sr-only"> ({d.name})</span>
        </button>
        {confirming ? (
          <fieldset class="confirm">
            <legend class="sr-only">Delete {d.name}?</legend>
            <button
              type="button"
              class="danger"
              disabled={deleting}
              onClick={remove}
              data-testid="confirm-delete"
            >
              Delete it
            </button>
            <button type="button" class="secondary" disabled={deleting} onClick={() => setConfirming(false)}>
              Keep
            </button>
          </fieldset>
        ) : (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            title={busy ? 'Wait for the run to finish' : undefined}
            onClick={() => setConfirming(true)}
            data-testid="delete-dataset"
          >
            Delete<span class="sr-only"> {d.name}</span>
          </button>
        )}
      </div>
    </li>
  );
}

export function DatasetList() {
  const list = datasets.value;
  const selectedId = dataset.value?.id;
  const running = runPhase.value.kind === 'running';
  return (
    <section class="panel import-screen" aria-labelledby="datasets-heading" data-testid="dataset-list">
      <h2 id="datasets-heading">Datasets in this browser</h2>
      {list.length === 0 ? (
        <p class="muted">None yet: import a folder or a zip above, or the demo dataset.</p>
      ) : (
        <ul class="datasets">
          {list.map((d) => (
            <DatasetRow key={d.id} d={d} selected={d.id === selectedId} busy={running} />
          ))}
        </ul>
      )}
      {listProblem.value && (
        <p class="error" role="alert">
          {listProblem.value}
        </p>
      )}
    </section>
  );
}

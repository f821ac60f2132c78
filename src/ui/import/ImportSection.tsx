/**
 * Import: bring a dataset into this browser (a folder, a zip, or the bundled demo), see the report
 * before anything runs, and manage the datasets already imported.
 */

import { useEffect } from 'preact/hooks';
import { demoUrl } from '../../pipeline/app/demo.ts';
import { importReport } from '../app/state.ts';
import { DatasetList } from './DatasetList.tsx';
import { DropZone } from './DropZone.tsx';
import { ImportOutcomeNote } from './ImportOutcomeNote.tsx';
import { ImportProgress } from './ImportProgress.tsx';
import { ImportReport } from './ImportReport.tsx';
import { cancelImport, refreshDatasets, startImport } from './import-client.ts';
import { importPhase, listProblem } from './import-state.ts';
import { StoragePanel } from './StoragePanel.tsx';
import './import.css';

export function ImportSection() {
  useEffect(() => {
    refreshDatasets().catch((e: Error) => {
      listProblem.value = `The imported datasets could not be listed: ${e.message}`;
    });
  }, []);
  const phase = importPhase.value;
  const importing = phase.kind === 'importing';
  const report = importReport.value;
  return (
    <>
      <section class="panel import-screen" aria-labelledby="import-heading">
        <h2 id="import-heading">Import</h2>
        <p>
          A dataset is a folder of class sub-folders. Every file is checked here before anything runs:
          unreadable, broken, duplicate or oversized images are skipped with the reason, and the report below
          says what was kept. Imported datasets stay in this browser for later runs.
        </p>
        <DropZone
          disabled={importing}
          onInput={(input) => void startImport(input)}
          onProblem={(message) => {
            importPhase.value = { kind: 'refused', message };
          }}
        />
        <div class="actions">
          <button
            type="button"
            class="secondary"
            disabled={importing}
            data-testid="import-demo"
            onClick={() => void startImport({ kind: 'demo', url: demoUrl(document.baseURI) })}
          >
            Import the demo dataset
          </button>
          <span class="muted demo-note">
            100 Fashion-MNIST images, 10 classes (Zalando Research, MIT licence), bundled with the app.
          </span>
        </div>
        {importing && (
          <ImportProgress label={phase.label} done={phase.done} total={phase.total} onCancel={cancelImport} />
        )}
        <ImportOutcomeNote phase={phase} />
        {report && !importing && <ImportReport report={report} />}
      </section>
      <DatasetList />
      <StoragePanel />
    </>
  );
}

/**
 * The one-click demo: import the bundled Fashion-MNIST subset (a no-op when it is already stored),
 * choose the fixture models and the demo settings, and run — all in one pipeline worker.
 */
import * as Comlink from 'comlink';
import { BadDatasetError } from '../../core/errors.ts';
import { demoUrl } from '../../pipeline/app/demo.ts';
import { go } from '../app/route.ts';
import { DEMO_SETTINGS } from '../app/settings-defaults.ts';
import { dataset, importReport, models, modelsLabel, settings } from '../app/state.ts';
import { FIXTURES_LABEL } from '../models-label.ts';
import { startRun } from '../run/run-control.ts';

export function runDemo(): Promise<void> {
  go('run');
  models.value = { kind: 'fixtures' };
  modelsLabel.value = FIXTURES_LABEL;
  settings.value = DEMO_SETTINGS;
  return startRun(async (api, onProgress) => {
    const out = await api.importDataset(
      { kind: 'demo', url: demoUrl(document.baseURI) },
      Comlink.proxy(onProgress),
    );
    if (!out.dataset) throw new BadDatasetError('the bundled demo', out.refused);
    dataset.value = out.dataset;
    importReport.value = out.report;
    return { datasetId: out.dataset.id, models: { kind: 'fixtures' }, settings: DEMO_SETTINGS };
  }, 'Fashion-MNIST demo');
}

/**
 * The user's choices survive a reload: the selected dataset, the models (not a picked local folder:
 * its Files do not survive) and the run settings, kept in localStorage. Anything unreadable or no
 * longer valid is dropped, and the defaults stay.
 */
import { effect } from '@preact/signals';
import type { ModelsInput, RunSettings, StoredDataset } from '../../pipeline/app/contract.ts';
import { settingsProblem } from '../run/settings-form.ts';
import { dataset, models, modelsLabel, settings } from './state.ts';

const KEY = 'autogenda-choices';

interface Choices {
  dataset?: StoredDataset;
  models?: ModelsInput;
  modelsLabel?: string;
  settings?: RunSettings;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

function read(): Choices {
  try {
    const c = JSON.parse(storage()?.getItem(KEY) ?? '{}') as Choices;
    return c && typeof c === 'object' ? c : {};
  } catch {
    return {};
  }
}

/** Restores the saved choices into the signals, then saves every later change. */
export function persistChoices(): void {
  const c = read();
  if (c.dataset?.id && typeof c.dataset.name === 'string') dataset.value = c.dataset;
  if (c.models?.kind === 'cache' && c.models.ids && typeof c.modelsLabel === 'string') {
    models.value = c.models;
    modelsLabel.value = c.modelsLabel;
  }
  if (c.settings) {
    const merged = {
      ...settings.value,
      ...c.settings,
      train: { ...settings.value.train, ...c.settings.train },
    };
    if (settingsProblem(merged) === undefined) settings.value = merged;
  }
  effect(() => {
    const m = models.value;
    const next: Choices = {
      dataset: dataset.value,
      settings: settings.value,
      ...(m.kind === 'cache' && { models: m, modelsLabel: modelsLabel.value }),
    };
    try {
      storage()?.setItem(KEY, JSON.stringify(next));
    } catch {
      // storage full or blocked: choices are simply not remembered
    }
  });
}

/**
 * The run's settings. Every declared setting's field (label, limits, hint) comes from its one
 * declaration (settings-fields.ts); the form edits the shared `settings` signal, and the Run button
 * stays disabled while settingsProblem says no.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SettingGroup } from '../../core/setting-spec.ts';
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { runnableMethods } from '../../pipeline/run-sources.ts';
import { METHODS } from '../../train/method-registry.ts';
import { DEFAULT_SETTINGS, PAPER_SETTINGS } from '../app/settings-defaults.ts';
import { settings } from '../app/state.ts';
import { type FormField, fieldPatch, formFields } from './settings-fields.ts';
import { type ProfileKind, parseSeeds, profileFields, profileString } from './settings-form.ts';

/** The registry's methods a run can make the sources of (the conventional-only ones belong to experiments). */
// every registry method whose sources a run makes (captions, DA-Fusion prompts, GPU views)
const METHOD_NAMES = runnableMethods();

function Field(p: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is one of the children
    <label class="field">
      <span class="field-label">{p.label}</span>
      {p.children}
      {p.hint && <span class="field-hint">{p.hint}</span>}
    </label>
  );
}

function NumberInput(p: {
  value: number | undefined;
  min?: number;
  max?: number;
  step?: number | 'any';
  onInput: (v: number) => void;
  name: string;
  disabled?: boolean;
  placeholder?: string;
}) {
  return (
    <input
      type="number"
      name={p.name}
      value={p.value ?? ''}
      placeholder={p.placeholder}
      min={p.min}
      max={p.max}
      step={p.step ?? 1}
      disabled={p.disabled}
      onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).valueAsNumber)}
    />
  );
}

/** A declared setting's input: a number field, or a select of an enum's values. */
function SettingInput({ f, onInput }: { f: FormField; onInput: (v: number | string) => void }) {
  if (f.kind === 'select')
    return (
      <select
        name={f.name}
        value={f.value}
        onChange={(e) => onInput((e.currentTarget as HTMLSelectElement).value)}
      >
        {f.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  return (
    <NumberInput
      name={f.name}
      value={f.value as number | undefined}
      min={f.min}
      max={f.max}
      step={f.step}
      placeholder={f.placeholder}
      onInput={onInput}
    />
  );
}

export function SettingsForm({ disabled }: { disabled: boolean }) {
  const s = settings.value;
  const set = (patch: Partial<RunSettings>) => {
    settings.value = { ...settings.value, ...patch };
  };
  // every declared setting's field (settings-schema.ts), by group; the finer training knobs fold away
  const all = formFields(s);
  const fields = (group: SettingGroup, advanced = false) =>
    all
      .filter((f) => f.group === group && f.advanced === advanced)
      .map((f) => (
        <Field key={f.name} label={f.label} hint={f.hint}>
          <SettingInput f={f} onInput={(v) => set(fieldPatch(f, settings.value, v))} />
        </Field>
      ));
  const prof = profileFields(s.profile);
  const setProfile = (patch: Partial<typeof prof>) => set({ profile: profileString({ ...prof, ...patch }) });
  const [seedText, setSeedText] = useState(s.seeds.join(', '));
  const seedsOk = parseSeeds(seedText) !== undefined;
  // Settings set elsewhere (the demo, a reset) show up in the text; a half-typed list is left alone.
  const seedKey = s.seeds.join(',');
  useEffect(() => {
    if (seedKey !== '' && parseSeeds(seedText)?.join(',') !== seedKey)
      setSeedText(seedKey.replace(/,/g, ', '));
  }, [seedKey]);

  return (
    <form class="settings" aria-label="Run settings" onSubmit={(e) => e.preventDefault()}>
      <fieldset disabled={disabled}>
        <legend>Data</legend>
        <Field label="Profile" hint="which training images a run keeps (ALGORITHM.md §2)">
          <select
            name="profile-kind"
            value={prof.kind}
            onChange={(e) =>
              setProfile({ kind: (e.currentTarget as HTMLSelectElement).value as ProfileKind })
            }
          >
            <option value="imbalanced">imbalanced (long tail)</option>
            <option value="lowshot">low-shot (k per class)</option>
            <option value="full">full (everything)</option>
          </select>
        </Field>
        {prof.kind === 'imbalanced' && (
          <Field label="Imbalance factor" hint="smallest / largest class, in (0, 1]; paper: 0.01–0.5">
            <NumberInput
              name="factor"
              value={prof.factor}
              min={0.001}
              max={1}
              step="any"
              onInput={(v) => setProfile({ factor: v })}
            />
          </Field>
        )}
        {prof.kind === 'lowshot' && (
          <Field label="Shots per class" hint="paper: 1, 2, 4, 8, 16">
            <NumberInput name="shots" value={prof.shots} min={1} onInput={(v) => setProfile({ shots: v })} />
          </Field>
        )}
        {fields('data')}
      </fieldset>
      <fieldset disabled={disabled}>
        <legend>Generation</legend>
        {fields('generation')}
      </fieldset>
      <fieldset disabled={disabled}>
        <legend>Training</legend>
        {fields('training')}
        <Field label="Training seeds" hint="every method runs once per seed; e.g. 0, 1, 2">
          <input
            type="text"
            name="seeds"
            value={seedText}
            aria-invalid={seedsOk ? 'false' : 'true'}
            onInput={(e) => {
              const text = (e.currentTarget as HTMLInputElement).value;
              setSeedText(text);
              const seeds = parseSeeds(text);
              set({ seeds: seeds ?? [] });
            }}
          />
        </Field>
        <fieldset class="field methods">
          <legend class="field-label">Methods</legend>
          {METHOD_NAMES.map((m) => (
            <label key={m} class="check">
              <input
                type="checkbox"
                name="method"
                value={m}
                checked={s.methods.includes(m)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  const next = METHOD_NAMES.filter((x) => (x === m ? on : s.methods.includes(x)));
                  set({ methods: next });
                }}
              />
              {m} <span class="field-hint">{METHODS[m].about}</span>
            </label>
          ))}
        </fieldset>
        <details class="field">
          <summary>Training engine</summary>
          {fields('training', true)}
        </details>
      </fieldset>
      <div class="actions">
        <button
          class="secondary"
          type="button"
          disabled={disabled}
          onClick={() => {
            settings.value = DEFAULT_SETTINGS;
          }}
        >
          Reset to the defaults
        </button>
        <button
          class="secondary"
          type="button"
          disabled={disabled}
          title="imbalance factor 0.1, three seeds, AutoGenDA against search-free and identity"
          onClick={() => {
            settings.value = PAPER_SETTINGS;
          }}
        >
          The paper's comparison
        </button>
      </div>
    </form>
  );
}

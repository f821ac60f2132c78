/**
 * The run's settings with the paper's defaults. Every field has a label and a short hint; the form
 * edits the shared `settings` signal, and the Run button stays disabled while settingsProblem says no.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { METHODS } from '../../train/method-registry.ts';
import { DEFAULT_SETTINGS } from '../app/settings-defaults.ts';
import { settings } from '../app/state.ts';
import { type ProfileKind, parseSeeds, profileFields, profileString } from './settings-form.ts';

/** The registry's methods a run can make the sources of (the conventional-only ones belong to experiments). */
const METHOD_NAMES = Object.values(METHODS)
  .filter((m) => m.sources.every((src) => ['identity', 'local', 'transfer'].includes(src)))
  .map((m) => m.name);

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

/** An emptied generation field means "the model's own value". */
const orModel = (v: number) => (Number.isNaN(v) ? undefined : v);

export function SettingsForm({ disabled }: { disabled: boolean }) {
  const s = settings.value;
  const set = (patch: Partial<RunSettings>) => {
    settings.value = { ...settings.value, ...patch };
  };
  const setTrain = (patch: Partial<RunSettings['train']>) => set({ train: { ...s.train, ...patch } });
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
        <Field label="Test fraction" hint="held out per class, never seen by search or training">
          <NumberInput
            name="test-fraction"
            value={s.testFraction}
            min={0.05}
            max={0.9}
            step="any"
            onInput={(v) => set({ testFraction: v })}
          />
        </Field>
        <Field label="Data seed" hint="the split, the prompts and the generation seeds">
          <NumberInput name="seed" value={s.seed} min={0} onInput={(v) => set({ seed: v })} />
        </Field>
      </fieldset>
      <fieldset disabled={disabled}>
        <legend>Generation</legend>
        <Field label="Local candidates per image (K)" hint="img2img from captions of the same class">
          <NumberInput name="k-local" value={s.kLocal} min={0} onInput={(v) => set({ kLocal: v })} />
        </Field>
        <Field label="Transfer candidates per image (K)" hint="img2img from captions of neighbour classes">
          <NumberInput name="k-transfer" value={s.kTransfer} min={0} onInput={(v) => set({ kTransfer: v })} />
        </Field>
        <Field label="Neighbour classes (m)" hint="nearest class names by the sentence embedder">
          <NumberInput
            name="neighbours"
            value={s.neighbours}
            min={1}
            onInput={(v) => set({ neighbours: v })}
          />
        </Field>
        <Field label="Strength" hint="how far img2img moves from the original, [0, 1]; empty = the model's">
          <NumberInput
            name="strength"
            value={s.strength}
            min={0}
            max={1}
            step={0.05}
            placeholder="model's"
            onInput={(v) => set({ strength: orModel(v) })}
          />
        </Field>
        <Field
          label="Guidance"
          hint="classifier-free guidance scale; empty = the model's (models trained without it ignore it)"
        >
          <NumberInput
            name="guidance"
            value={s.guidance}
            min={0}
            step={0.5}
            placeholder="model's"
            onInput={(v) => set({ guidance: orModel(v) })}
          />
        </Field>
        <Field label="Denoising steps" hint="scheduler steps over the full schedule; empty = the model's">
          <NumberInput
            name="steps"
            value={s.steps}
            min={1}
            placeholder="model's"
            onInput={(v) => set({ steps: orModel(v) })}
          />
        </Field>
        <Field
          label="Images per img2img call"
          hint="a batch per model call; the same images as one at a time"
        >
          <NumberInput
            name="batch-generate"
            value={s.batchGenerate}
            min={1}
            onInput={(v) => set({ batchGenerate: v })}
          />
        </Field>
        <Field
          label="Images per captioner call"
          hint="a batch per model call; the same captions as one at a time"
        >
          <NumberInput
            name="batch-caption"
            value={s.batchCaption}
            min={1}
            onInput={(v) => set({ batchCaption: v })}
          />
        </Field>
      </fieldset>
      <fieldset disabled={disabled}>
        <legend>Training</legend>
        <Field label="Search epochs" hint="bilevel policy search">
          <NumberInput
            name="epochs"
            value={s.train.epochs}
            min={1}
            onInput={(v) => setTrain({ epochs: v })}
          />
        </Field>
        <Field label="Final epochs" hint="training the classifier with the policy">
          <NumberInput
            name="final-epochs"
            value={s.train.finalEpochs}
            min={1}
            onInput={(v) => setTrain({ finalEpochs: v })}
          />
        </Field>
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
          Reset to the paper's defaults
        </button>
      </div>
    </form>
  );
}

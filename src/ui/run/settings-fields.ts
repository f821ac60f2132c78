/**
 * The Run form's fields, built from the settings' one declaration (src/pipeline/settings-schema.ts and
 * the training group's): label, input kind, limits, step, hint, the "model's" placeholder of a setting
 * the img2img model supplies, and the value shown. Profile, seeds and methods have widgets of their own.
 */
import { formatSetting, parseSetting, type SettingGroup, type SettingSpec } from '../../core/setting-spec.ts';
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { SETTINGS_SCHEMA, type SettingsSchema } from '../../pipeline/settings.ts';

export interface FormField {
  spec: SettingSpec;
  /** The input's name: the setting's flag. */
  name: string;
  /** In RunSettings.train rather than at the top level. */
  train: boolean;
  group: SettingGroup;
  /** The training engine's finer knobs, folded away by default. */
  advanced: boolean;
  label: string;
  hint: string;
  kind: 'number' | 'select';
  min?: number;
  max?: number;
  step?: number | 'any';
  placeholder?: string;
  options?: readonly string[];
  /** What the input shows: a number (undefined = empty), or the select's value. */
  value: number | string | undefined;
}

/** The training settings the form shows unfolded; the others are the engine's finer knobs. */
const MAIN_TRAINING = new Set(['epochs', 'finalEpochs']);

function field(spec: SettingSpec, train: boolean, s: RunSettings): FormField | undefined {
  if (spec.type !== 'integer' && spec.type !== 'number' && spec.type !== 'enum') return undefined;
  const v = ((train ? s.train : s) as Record<string, unknown>)[spec.key];
  const number = spec.type !== 'enum';
  return {
    spec,
    name: spec.flag,
    train,
    group: spec.group,
    advanced: train && !MAIN_TRAINING.has(spec.key),
    label: spec.label,
    hint: spec.fromModel ? `${spec.help}; empty = the model's` : spec.help,
    kind: number ? 'number' : 'select',
    ...(number && {
      min: spec.min,
      max: spec.max,
      step: spec.step ?? (spec.type === 'integer' ? 1 : 'any'),
    }),
    ...(spec.fromModel && { placeholder: "model's" }),
    ...(!number && { options: spec.values }),
    value: number ? (v as number | undefined) : v === undefined ? undefined : formatSetting(spec, v),
  };
}

/** The form's fields in declaration order, with the values of `s`. */
export function formFields(s: RunSettings, schema: SettingsSchema = SETTINGS_SCHEMA): FormField[] {
  return [
    ...schema.run.map((spec) => field(spec, false, s)),
    ...schema.train.map((spec) => field(spec, true, s)),
  ].filter((f): f is FormField => f !== undefined);
}

/**
 * The settings patch an input's text makes: a number (an emptied field of a model-supplied setting is
 * undefined, the model's own), or an enum's stored value.
 */
export function fieldPatch(f: FormField, s: RunSettings, input: number | string): Partial<RunSettings> {
  let v: unknown;
  if (f.kind === 'number') {
    const n = typeof input === 'number' ? input : Number(input);
    v = Number.isNaN(n) && f.spec.fromModel ? undefined : n;
  } else v = parseSetting(f.spec, String(input));
  if (f.train) return { train: { ...s.train, [f.spec.key]: v } };
  return { [f.spec.key]: v } as Partial<RunSettings>;
}

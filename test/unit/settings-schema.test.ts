/**
 * One settings declaration (issue 13): the CLI's flags and help, the Run form's fields, validation, the
 * app's defaults and presets, and the report's settings block all come from the schema — a changed
 * declaration changes each of them — and every setting's limits are enforced, naming its flag.
 */
import { describe, expect, it } from 'vitest';
import { formatFlags, parseArgs } from '../../src/cli/args.ts';
import { makeRun } from '../../src/cli/commands/run.ts';
import { settingFlags, settingsFromFlags } from '../../src/cli/settings-flags.ts';
import { TRAIN_FLAGS } from '../../src/cli/train-flags.ts';
import { checkSetting, type SettingSpec } from '../../src/core/setting-spec.ts';
import { settingsMarkdown, settingsRows } from '../../src/pipeline/export/settings-block.ts';
import {
  type PipelineSettings,
  resolveSettings,
  SETTINGS_SCHEMA,
  type SettingsSchema,
  schemaDefaults,
} from '../../src/pipeline/settings.ts';
import { PRESETS } from '../../src/pipeline/settings-presets.ts';
import { RUN_SETTINGS } from '../../src/pipeline/settings-schema.ts';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from '../../src/train/config.ts';
import { TRAIN_SETTINGS } from '../../src/train/config-schema.ts';
import { METHODS } from '../../src/train/method-registry.ts';
import {
  DEFAULT_SETTINGS,
  DEMO_SETTINGS,
  PAPER_SETTINGS,
  runSettingsOf,
} from '../../src/ui/app/settings-defaults.ts';
import { formFields } from '../../src/ui/run/settings-fields.ts';
import { settingsProblem } from '../../src/ui/run/settings-form.ts';

const ALL: readonly SettingSpec[] = [...SETTINGS_SCHEMA.run, ...SETTINGS_SCHEMA.train];

/** A copy of the schema with one declaration changed. */
function edited(flag: string, patch: Partial<SettingSpec>): SettingsSchema {
  const edit = (l: readonly SettingSpec[]) => l.map((s) => (s.flag === flag ? { ...s, ...patch } : s));
  return { run: edit(SETTINGS_SCHEMA.run), train: edit(SETTINGS_SCHEMA.train) };
}

/** The help line of a flag: it starts with the flag (after an optional one-letter alias). */
const helpLine = (lines: string[], flag: string) =>
  lines.find((l) => new RegExp(`^ +(-\\w, )?--${flag} `).test(l)) ?? '';

describe('one settings declaration', () => {
  it('a changed default shows in the CLI help, the form, the defaults, validation and the report', () => {
    const schema = edited('k-local', { default: 5, min: 3 });
    // CLI help
    expect(helpLine(formatFlags(settingFlags(schema.run)), 'k-local')).toMatch(/\(default 5\)$/);
    expect(helpLine(formatFlags(settingFlags(SETTINGS_SCHEMA.run)), 'k-local')).toMatch(/\(default 2\)$/);
    // the defaults both the app and the CLI start from, and the form's field showing them
    const d = schemaDefaults(schema);
    expect(d.kLocal).toBe(5);
    const f = formFields(runSettingsOf(d), schema).find((x) => x.name === 'k-local');
    expect(f).toMatchObject({ value: 5, min: 3, kind: 'number', step: 1 });
    // validation: the default fills in, the new limit refuses what the real schema allows
    expect(resolveSettings({}, schema).kLocal).toBe(5);
    expect(() => resolveSettings({ kLocal: 2 }, schema)).toThrow('--k-local must be an integer >= 3, got 2');
    expect(resolveSettings({ kLocal: 2 }).kLocal).toBe(2);
    // the report: the schema's default is 'default', the old one now 'set'
    const row = (s: PipelineSettings, sc: SettingsSchema) =>
      settingsRows(s, {}, sc).find((r) => r.flag === 'k-local');
    expect(row(resolveSettings({}, schema), schema)).toMatchObject({ value: '5', from: 'default' });
    expect(row(resolveSettings({ kLocal: 2 }), schema)).toMatchObject({ value: '2', from: 'set' });
  });

  it('a changed training default reaches the training flags and the form the same way', () => {
    const schema = edited('epochs', { default: 7 });
    expect(helpLine(formatFlags(settingFlags(schema.train)), 'epochs')).toMatch(/\(default 7\)$/);
    expect(
      formFields(runSettingsOf(schemaDefaults(schema)), schema).find((x) => x.name === 'epochs')?.value,
    ).toBe(7);
    expect(resolveSettings({}, schema).train.epochs).toBe(7);
  });

  it('the production CLI, form, app defaults and engine defaults are the schema’s', () => {
    const usage = makeRun().usage;
    // the same lines, aligned differently (formatFlags pads to the widest flag of the whole list)
    const squeeze = (t: string) => t.trim().replace(/ +/g, ' ');
    const lines = usage.split('\n').map(squeeze);
    for (const line of formatFlags({ ...settingFlags(RUN_SETTINGS), ...TRAIN_FLAGS }))
      expect(lines).toContain(squeeze(line));
    // --methods' help and the method list come from the registry, each with its one-line description
    for (const m of Object.values(METHODS)) {
      expect(usage).toMatch(
        new RegExp(`\\n +${m.name.replace('+', '\\+')} +${m.about.replace(/[()+]/g, '\\$&')}`),
      );
      expect(helpLine(formatFlags(settingFlags(RUN_SETTINGS)), 'methods')).toContain(m.name);
    }
    expect(helpLine(usage.split('\n'), 'strength')).toMatch(/\(default: the model's\)$/);
    expect(helpLine(usage.split('\n'), 'seeds')).toMatch(/N means seeds 0\.\.N-1 \(default 1\)$/);
    expect(resolveSettings()).toEqual(schemaDefaults());
    expect(resolveTrainConfig()).toEqual(DEFAULT_TRAIN_CONFIG);
    for (const t of TRAIN_SETTINGS)
      expect(DEFAULT_TRAIN_CONFIG[t.key as keyof typeof DEFAULT_TRAIN_CONFIG]).toBe(t.default);
    expect(DEFAULT_SETTINGS).toEqual(runSettingsOf(schemaDefaults()));
    // every numeric or enum setting has a form field with its declaration's label, limits and hint
    const fields = formFields(DEFAULT_SETTINGS);
    for (const s of ALL.filter((x) => ['integer', 'number', 'enum'].includes(x.type))) {
      const f = fields.find((x) => x.name === s.flag);
      expect(f?.label, s.flag).toBe(s.label);
      if (s.type === 'enum') expect(f).toMatchObject({ kind: 'select', options: s.values });
      else expect([f?.kind, f?.min, f?.max]).toEqual(['number', s.min, s.max]);
      expect(f?.hint).toContain(s.help);
      if (s.fromModel) expect(f).toMatchObject({ placeholder: "model's", value: undefined });
    }
  });

  it('presets are patches over the same defaults, and valid', () => {
    expect(PAPER_SETTINGS).toEqual({
      ...DEFAULT_SETTINGS,
      profile: 'imbalanced:0.1',
      seeds: [0, 1, 2],
      methods: ['autogenda', 'search-free', 'identity'],
    });
    expect(DEMO_SETTINGS).toEqual({
      ...PAPER_SETTINGS,
      kLocal: 1,
      kTransfer: 1,
      steps: 2,
      train: { ...DEFAULT_SETTINGS.train, epochs: 10, finalEpochs: 10 },
    });
    expect(PRESETS.demo.methods).toEqual(PRESETS.paper.methods);
    for (const s of [DEFAULT_SETTINGS, PAPER_SETTINGS, DEMO_SETTINGS])
      expect(settingsProblem(s)).toBeUndefined();
    // the same key order, so the Run screen can tell the demo's settings by their JSON
    expect(Object.keys(DEMO_SETTINGS)).toEqual(Object.keys(DEFAULT_SETTINGS));
  });
});

describe('every setting’s limits', () => {
  const numeric = ALL.filter((s) => s.type === 'integer' || s.type === 'number');

  it.each(numeric.map((s) => [s.flag, s] as const))('--%s: below, at and above its limits', (_, s) => {
    const bad = (v: unknown) =>
      expect(() => checkSetting(s, v), `${s.flag} ${v}`).toThrow(`--${s.flag} must be`);
    const openMin = s.open === 'min' || s.open === 'both';
    const openMax = s.open === 'max' || s.open === 'both';
    if (s.min !== undefined) {
      bad(s.min - 1);
      if (openMin) bad(s.min);
      else checkSetting(s, s.min);
    }
    if (s.max !== undefined) {
      bad(s.max + 1);
      if (openMax) bad(s.max);
      else checkSetting(s, s.max);
    }
    if (s.type === 'integer') bad((s.min ?? 0) + 1.5);
    bad(Number.NaN);
    bad('3');
    if (s.default !== undefined) checkSetting(s, s.default);
    if (s.fromModel) checkSetting(s, undefined);
    else expect(() => checkSetting(s, undefined)).toThrow(`--${s.flag} is required`);
  });

  it('enums take their values only', () => {
    for (const s of ALL.filter((x) => x.type === 'enum')) {
      for (const v of s.values ?? []) checkSetting(s, s.trueValue === undefined ? v : v === s.trueValue);
      expect(() => checkSetting(s, 'fancy')).toThrow(`--${s.flag} must be '`);
    }
  });

  it('resolveSettings names the flag: the same messages as before the schema', () => {
    expect(() => resolveSettings({ kLocal: -1 })).toThrow('--k-local must be an integer >= 0, got -1');
    expect(() => resolveSettings({ strength: 1.5 })).toThrow('--strength must be in [0, 1], got 1.5');
    expect(() => resolveSettings({ guidance: -1 })).toThrow('--guidance must be >= 0, got -1');
    expect(() => resolveSettings({ testFraction: 1 })).toThrow('--test-fraction must be in (0, 1), got 1');
    expect(() => resolveSettings({ seeds: [0, 0] })).toThrow("--seeds lists '0' twice");
    expect(() => resolveSettings({ seeds: [-1] })).toThrow('--seeds must be an integer in [0, 4294967295]');
    expect(() => resolveSettings({ methods: ['autogenda', 'nope'] })).toThrow(/unknown method 'nope'/);
    expect(() => resolveSettings({ profiles: ['full', 'skewed:3'] })).toThrow(/skewed:3/);
    expect(() => resolveSettings({ profiles: ['full', 'full'] })).toThrow("--profile lists 'full' twice");
    expect(() => resolveSettings({ profiles: ['full'], profile: 'lowshot:2' })).toThrow(
      /not one of the run's profiles/,
    );
    expect(() => resolveTrainConfig({ epochs: 0 })).toThrow('--epochs must be an integer >= 1, got 0');
    expect(() => resolveTrainConfig({ lr: 0 })).toThrow('--lr must be > 0, got 0');
    expect(() => resolveTrainConfig({ warmupEpochs: 5, epochs: 5 })).toThrow(
      /--warmup-epochs \(5\) must be below/,
    );
  });
});

describe('the command line', () => {
  const FLAGS = { ...settingFlags(RUN_SETTINGS), ...TRAIN_FLAGS };
  const parse = (...argv: string[]) => {
    const { flags } = parseArgs(argv, FLAGS);
    return resolveSettings({
      ...(settingsFromFlags(RUN_SETTINGS, flags) as Partial<PipelineSettings>),
      train: resolveTrainConfig(settingsFromFlags(TRAIN_SETTINGS, flags)),
    });
  };

  it('reads every kind of setting', () => {
    const s = parse(
      '--profile',
      'imbalanced:0.01, imbalanced:0.1',
      '--seeds',
      '3',
      '--methods',
      'autogenda,identity',
      '--strength',
      '0.7',
      '--exploration-loss',
      'balanced',
      '--epochs',
      '7',
      '--head',
      'mlp',
    );
    expect(s.profiles).toEqual(['imbalanced:0.01', 'imbalanced:0.1']);
    expect(s.profile).toBe('imbalanced:0.01');
    expect(s.seeds).toEqual([0, 1, 2]);
    expect(s.methods).toEqual(['autogenda', 'identity']);
    expect(s.strength).toBe(0.7);
    expect(s.steps).toBeUndefined();
    expect(s.train).toMatchObject({ balancedExploration: true, epochs: 7, finalEpochs: 7, head: 'mlp' });
    expect(parse('--epochs', '7', '--final-epochs', '3').train).toMatchObject({ epochs: 7, finalEpochs: 3 });
    expect(parse('--seeds', '0,4,7').seeds).toEqual([0, 4, 7]);
    expect(parse().profiles).toEqual(['full']);
  });

  it('refuses bad values, naming the flag', () => {
    expect(() => parse('--seeds', '0')).toThrow(/--seeds must be a count N >= 1/);
    expect(() => parse('--seeds', '1,x')).toThrow(/--seeds needs whole numbers/);
    expect(() => parse('--head', 'cnn')).toThrow("--head must be 'linear' or 'mlp', got 'cnn'");
    expect(() => parse('--steps', '0')).toThrow('--steps must be an integer >= 1, got 0');
    expect(() => parse('--profile', 'lowshot:0')).toThrow(/lowshot:0/);
  });
});

describe("the report's settings block", () => {
  it('lists every setting with its value and whether it was the default, the user’s or the model’s', () => {
    const s = resolveSettings({ kLocal: 1, seeds: [0, 1, 2], train: resolveTrainConfig({ epochs: 3 }) });
    const rows = settingsRows(s, { strength: 0.5, steps: 4, guidance: 1 });
    expect(rows.map((r) => r.flag)).toEqual(ALL.map((x) => x.flag));
    const by = Object.fromEntries(rows.map((r) => [r.flag, r]));
    expect(by['k-local']).toMatchObject({ value: '1', from: 'set' });
    expect(by.seeds).toMatchObject({ value: '3', from: 'set' });
    expect(by['k-transfer']).toMatchObject({ value: '2', from: 'default' });
    expect(by.strength).toMatchObject({ value: '0.5', from: "model's" });
    expect(by.epochs).toMatchObject({ value: '3', from: 'set' });
    expect(by['exploration-loss']).toMatchObject({ value: 'plain', from: 'default' });
    const md = settingsMarkdown(rows).join('\n');
    expect(md).toMatch(/^## Settings/);
    expect(md).toContain("| --strength | 0.5 | model's |");
    expect(md).toContain('| --profile | full | default |');
  });
});

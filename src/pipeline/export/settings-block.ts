/**
 * The report's settings block, rendered from the settings' one declaration: every setting with its flag,
 * its value and where the value came from — the declared default, the user, or (strength, steps,
 * guidance left empty) the img2img model.
 */
import { formatSetting, type SettingGroup } from '../../core/setting-spec.ts';
import { type PipelineSettings, SETTINGS_SCHEMA, type SettingsSchema } from '../settings.ts';

export interface SettingRow {
  flag: string;
  key: string;
  group: SettingGroup;
  /** The value used, as the command line writes it. */
  value: string;
  /** 'default': the declared default; 'set': the user's; "model's": the img2img model's own. */
  from: 'default' | 'set' | "model's";
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function settingsRows(
  s: PipelineSettings,
  /** The img2img settings used: the value of a setting the model supplied. */
  generation?: Partial<Record<string, number>>,
  schema: SettingsSchema = SETTINGS_SCHEMA,
): SettingRow[] {
  const rows = (specs: SettingsSchema['run'], o: object) =>
    specs.map((spec): SettingRow => {
      const v = (o as Record<string, unknown>)[spec.key];
      const model = v === undefined && spec.fromModel;
      const used = model ? generation?.[spec.key] : v;
      return {
        flag: spec.flag,
        key: spec.key,
        group: spec.group,
        value: used === undefined ? "the model's" : formatSetting(spec, used),
        from: model ? "model's" : same(v, spec.default) ? 'default' : 'set',
      };
    });
  return [...rows(schema.run, s), ...rows(schema.train, s.train)];
}

/** '## Settings' and a table: flag, value, from. Values are ours or checked (no markdown in them). */
export function settingsMarkdown(rows: readonly SettingRow[]): string[] {
  const esc = (t: string) => t.replace(/\|/g, '\\|');
  return [
    '## Settings',
    '',
    '| setting | value | from |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| --${r.flag} | ${esc(r.value)} | ${r.from} |`),
    '',
  ];
}

/**
 * Command-line flags built from setting declarations (core/setting-spec.ts): each flag's type, value
 * placeholder and help line with its default, and the settings a parsed command line gives.
 */
import { describeLimits, formatSetting, parseSetting, type SettingSpec } from '../core/setting-spec.ts';
import type { FlagSpec } from './args.ts';

type FlagOf<S extends SettingSpec> = {
  readonly type: S['type'] extends 'integer' | 'number' ? 'number' : 'string';
  readonly value: string;
  readonly help: string;
};

export type SettingFlags<T extends readonly SettingSpec[]> = {
  readonly [S in T[number] as S['flag']]: FlagOf<S>;
};

/** The help line's default: the model's, or the declared value as the command line writes it. */
function defaultText(s: SettingSpec): string {
  return s.fromModel ? "default: the model's" : `default ${formatSetting(s, s.default)}`;
}

export function settingFlags<const T extends readonly SettingSpec[]>(specs: T): SettingFlags<T> {
  const out: Record<string, FlagSpec> = {};
  for (const s of specs) {
    const limits = s.type === 'integer' || s.type === 'number' ? limitText(s) : '';
    out[s.flag] = {
      type: s.type === 'integer' || s.type === 'number' ? 'number' : 'string',
      value: s.value,
      help: `${s.help}${limits}${s.count ? '; N means seeds 0..N-1' : ''} (${defaultText(s)})`,
    };
  }
  return out as SettingFlags<T>;
}

/** ', in [0, 1]' — only where both bounds say more than "a count". */
function limitText(s: SettingSpec): string {
  return s.min !== undefined && s.max !== undefined && s.max < 0xffffffff ? `, ${describeLimits(s)}` : '';
}

/**
 * The settings the given flags set, by key (absent flags are left out, so defaults apply); a setting
 * that `follows` another takes its value when only that one is given (--epochs sets final epochs too).
 */
export function settingsFromFlags(
  specs: readonly SettingSpec[],
  flags: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    const raw = flags[s.flag];
    if (raw !== undefined) out[s.key] = parseSetting(s, raw as string | number);
  }
  for (const s of specs) {
    if (s.follows && out[s.key] === undefined && out[s.follows] !== undefined) out[s.key] = out[s.follows];
  }
  return out;
}

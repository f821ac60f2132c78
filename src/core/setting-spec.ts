/**
 * One run setting, declared once: its key, its command-line flag, its type, default, limits and one
 * line of help. The CLI's flags and help, the Run form's fields, validation and the report's settings
 * block are all built from such declarations (src/pipeline/settings-schema.ts, src/train/config-schema.ts).
 */
import { ConfigError } from './errors.ts';

export type SettingGroup = 'data' | 'generation' | 'training';

/** integers/strings/profiles are lists (comma-separated on the command line). */
export type SettingType = 'integer' | 'number' | 'enum' | 'integers' | 'strings' | 'profiles';

export interface SettingSpec {
  /** The settings object's key (PipelineSettings, or TrainConfig for the training group's engine knobs). */
  readonly key: string;
  /** The command-line flag, without `--`. */
  readonly flag: string;
  readonly type: SettingType;
  /** Undefined only where `fromModel` says the img2img model supplies it. */
  readonly default: unknown;
  /** Inclusive limits, unless `open` says a bound itself is refused. */
  readonly min?: number;
  readonly max?: number;
  readonly open?: 'min' | 'max' | 'both';
  /** Allowed values of an enum. */
  readonly values?: readonly string[];
  /** An enum stored as a boolean: true when the value is this one. */
  readonly trueValue?: string;
  /** Another key whose value this one takes when it is not given (final epochs follow epochs). */
  readonly follows?: string;
  /** Left undefined, the img2img model's own value is used (strength, steps, guidance). */
  readonly fromModel?: boolean;
  /** `--seeds N` means seeds 0..N-1 (a comma list is taken as the seeds themselves). */
  readonly count?: boolean;
  readonly group: SettingGroup;
  /** The form's label. */
  readonly label: string;
  /** One line: the CLI's help (before its default) and the form's hint. */
  readonly help: string;
  /** Placeholder of the value in `--help` (N, X, a,b…). */
  readonly value: string;
  /** The form's input step (integers: 1). */
  readonly step?: number | 'any';
}

const interval = (s: SettingSpec) => {
  const lo = s.open === 'min' || s.open === 'both' ? '(' : '[';
  const hi = s.open === 'max' || s.open === 'both' ? ')' : ']';
  return `${lo}${s.min}, ${s.max}${hi}`;
};

/** The limits in words: '>= 1', 'in [0, 1]', 'one of adam, sgd'. */
export function describeLimits(s: SettingSpec): string {
  if (s.type === 'enum') return enumText(s);
  if (s.min !== undefined && s.max !== undefined) return `in ${interval(s)}`;
  if (s.min !== undefined) return `${s.open === 'min' ? '>' : '>='} ${s.min}`;
  if (s.max !== undefined) return `${s.open === 'max' ? '<' : '<='} ${s.max}`;
  return '';
}

/** "'adam' or 'sgd'", "'a', 'b' or 'c'". */
function enumText(s: SettingSpec): string {
  const q = (s.values ?? []).map((v) => `'${v}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : (q[0] ?? '');
}

function inLimits(s: SettingSpec, v: number): boolean {
  const openMin = s.open === 'min' || s.open === 'both';
  const openMax = s.open === 'max' || s.open === 'both';
  if (s.min !== undefined && (openMin ? !(v > s.min) : !(v >= s.min))) return false;
  if (s.max !== undefined && (openMax ? !(v < s.max) : !(v <= s.max))) return false;
  return true;
}

/**
 * Throws a ConfigError naming the setting (`name`, by default `--flag`) when the value breaks its
 * declaration; undefined passes only where the model supplies the value. Profiles are checked by the caller.
 */
export function checkSetting(s: SettingSpec, v: unknown, name = `--${s.flag}`): void {
  if (v === undefined) {
    if (s.fromModel) return;
    throw new ConfigError(`${name} is required`);
  }
  const num = (x: unknown, integer: boolean) => {
    if (
      typeof x !== 'number' ||
      !Number.isFinite(x) ||
      (integer && !Number.isInteger(x)) ||
      !inLimits(s, x)
    ) {
      const what = integer ? 'an integer ' : typeof x === 'number' && Number.isFinite(x) ? '' : 'a number ';
      throw new ConfigError(
        `${name} must be ${what}${describeLimits(s)}, got ${String(x)}`.replace(/ +,/, ','),
      );
    }
  };
  switch (s.type) {
    case 'integer':
    case 'number':
      num(v, s.type === 'integer');
      return;
    case 'enum': {
      const text =
        s.trueValue === undefined ? v : typeof v !== 'boolean' ? undefined : v ? s.trueValue : otherValue(s);
      if (typeof text !== 'string' || !s.values?.includes(text))
        throw new ConfigError(`${name} must be ${enumText(s)}, got '${String(v)}'`);
      return;
    }
    default: {
      if (!Array.isArray(v) || v.length === 0) throw new ConfigError(`${name} needs at least one value`);
      if (s.type === 'integers') for (const x of v) num(x, true);
      const twice = v.find((x, i) => v.indexOf(x) !== i);
      if (twice !== undefined) throw new ConfigError(`${name} lists '${String(twice)}' twice`);
    }
  }
}

/** The enum value that stands for false in a boolean-stored enum. */
function otherValue(s: SettingSpec): string | undefined {
  return s.values?.find((x) => x !== s.trueValue);
}

/** A stored value as the command line writes it: lists comma-joined, booleans as their enum value. */
export function formatSetting(s: SettingSpec, v: unknown): string {
  if (v === undefined) return "the model's";
  if (s.trueValue !== undefined && typeof v === 'boolean') return v ? s.trueValue : (otherValue(s) ?? '');
  if (Array.isArray(v)) {
    if (s.count && v.every((x, i) => x === i)) return String(v.length);
    return v.join(',');
  }
  return String(v);
}

/** Parses a command-line value (numbers already parsed by the flag parser) into the stored value. */
export function parseSetting(s: SettingSpec, raw: string | number): unknown {
  const name = `--${s.flag}`;
  if (s.type === 'integer' || s.type === 'number') return raw;
  const text = String(raw).trim();
  if (s.type === 'enum') {
    if (!s.values?.includes(text)) throw new ConfigError(`${name} must be ${enumText(s)}, got '${text}'`);
    return s.trueValue === undefined ? text : text === s.trueValue;
  }
  const parts = text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (s.type !== 'integers') return parts;
  if (s.count && /^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1)
      throw new ConfigError(`${name} must be a count N >= 1 (0..N-1) or a list such as 0,4,7, got ${text}`);
    return Array.from({ length: n }, (_, i) => i);
  }
  const nums = parts.map((x) => (/^-?\d+$/.test(x) ? Number(x) : Number.NaN));
  if (nums.some((x) => Number.isNaN(x)))
    throw new ConfigError(`${name} needs whole numbers separated by commas, got '${text}'`);
  return nums;
}

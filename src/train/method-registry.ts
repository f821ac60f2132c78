/**
 * The one methods registry (ALGORITHM §10), used by `run`, `experiment`, `search` and the app: a method is the sources it draws from and a rule that turns them into a
 * per-class policy — searched (AutoGenDA's bilevel search), fixed, or GIT's minority rule. No method has a
 * code path of its own: resolveMethod maps any of them onto a bank's sources and the engine's MethodSpec.
 * 'identity' (the real image) is always source 0 of a method's bank, as the engine evaluates on it.
 */
import { describeClass } from '../core/classes.ts';
import { ConfigError } from '../core/errors.ts';
import type { MethodSpec } from './methods.ts';

export type PolicyRule =
  | { kind: 'search' }
  /** The same probabilities (one per source) for every class. */
  | { kind: 'fixed'; probs: readonly number[] }
  /** GIT: classes with fewer training images than `threshold` × the largest class get `minority`. */
  | { kind: 'minority'; threshold: number; minority: readonly number[]; majority: readonly number[] };

export interface MethodDef {
  name: string;
  /** Source names, 'identity' first. */
  sources: readonly string[];
  rule: PolicyRule;
  about: string;
}

const GEN = ['identity', 'local', 'transfer'] as const;
const CONV = ['identity', 'simple', 'randaugment'] as const;
const third = 1 / 3;

const defs: MethodDef[] = [
  { name: 'identity', sources: ['identity'], rule: { kind: 'fixed', probs: [1] }, about: 'real images only' },
  {
    name: 'simple',
    sources: ['identity', 'simple'],
    rule: { kind: 'fixed', probs: [0, 1] },
    about: 'every draw a flip/rotate view',
  },
  {
    name: 'randaugment',
    sources: ['identity', 'randaugment'],
    rule: { kind: 'fixed', probs: [0, 1] },
    about: 'every draw a RandAugment(2, 9, 31) view',
  },
  {
    name: 'dafusion',
    sources: ['identity', 'prompt'],
    rule: { kind: 'fixed', probs: [0.5, 0.5] },
    about: 'a "a photo of a <y>" synthetic with p = 0.5',
  },
  {
    name: 'git',
    sources: ['identity', 'prompt'],
    rule: { kind: 'minority', threshold: 0.25, minority: [0.5, 0.5], majority: [1, 0] },
    about: 'dafusion on classes below 25 % of the largest only',
  },
  {
    name: 'search-free',
    sources: GEN,
    rule: { kind: 'fixed', probs: [third, third, third] },
    about: 'uniform over identity/local/transfer',
  },
  {
    name: 'wo-local',
    sources: ['identity', 'transfer'],
    rule: { kind: 'search' },
    about: 'search without local',
  },
  {
    name: 'wo-transfer',
    sources: ['identity', 'local'],
    rule: { kind: 'search' },
    about: 'search without transfer',
  },
  { name: 'autogenda', sources: GEN, rule: { kind: 'search' }, about: 'search over identity/local/transfer' },
  {
    name: 'autogenda+ra',
    sources: [...GEN, 'randaugment'],
    rule: { kind: 'search' },
    about: 'search with RandAugment views as a fourth source',
  },
  {
    name: 'search-free-conv',
    sources: CONV,
    rule: { kind: 'fixed', probs: [third, third, third] },
    about: 'uniform over identity/simple/randaugment',
  },
  {
    name: 'search-conv',
    sources: CONV,
    rule: { kind: 'search' },
    about: 'the policy search over conventional sources',
  },
];

export const METHODS: Readonly<Record<string, MethodDef>> = Object.freeze(
  Object.fromEntries(defs.map((d) => [d.name, Object.freeze(d)])),
);

/**
 * A registry name, or a custom method: `search:a+b+c` (search over these sources), `uniform:a+b`, or
 * `fixed:a=0.3+b=0.7` (or with commas, outside a --methods list). 'identity' is added as source 0 (with probability 0) when not listed.
 */
export function parseMethodDef(text: string): MethodDef {
  const t = text.trim();
  if (Object.hasOwn(METHODS, t)) return METHODS[t];
  const m = /^(search|uniform|fixed):(.+)$/.exec(t);
  if (!m)
    throw new ConfigError(
      `unknown method '${t}': use one of ${Object.keys(METHODS).join(', ')}, or search:a+b, uniform:a+b, fixed:a=0.5+b=0.5`,
    );
  const [, kind, body] = m;
  if (kind === 'fixed') {
    const pairs = body.split(/[,+]/).map((p) => p.split('='));
    if (pairs.some((p) => p.length !== 2 || !p[0] || !(Number(p[1]) >= 0)))
      throw new ConfigError(`method '${t}': write fixed:source=p+source=p with p >= 0`);
    return withIdentity(
      t,
      pairs.map((p) => p[0].trim()),
      pairs.map((p) => Number(p[1])),
    );
  }
  const names = body.split('+').map((s) => s.trim());
  if (names.some((n) => !n)) throw new ConfigError(`method '${t}': empty source name`);
  if (kind === 'search')
    return {
      ...withIdentity(
        t,
        names,
        names.map(() => 1),
      ),
      rule: { kind: 'search' },
    };
  return withIdentity(
    t,
    names,
    names.map(() => 1 / names.length),
  );
}

function withIdentity(name: string, sources: string[], probs: number[]): MethodDef {
  if (new Set(sources).size !== sources.length)
    throw new ConfigError(`method '${name}' lists a source twice`);
  const i = sources.indexOf('identity');
  const s = i < 0 ? ['identity', ...sources] : ['identity', ...sources.filter((x) => x !== 'identity')];
  const p = i < 0 ? [0, ...probs] : [probs[i], ...probs.filter((_, j) => j !== i)];
  return { name, sources: s, rule: { kind: 'fixed', probs: p }, about: 'custom' };
}

/** The union of the methods' sources, identity first (what a run or a provider must put in the bank). */
export function sourcesFor(methods: readonly MethodDef[]): string[] {
  const out = ['identity'];
  for (const m of methods) for (const s of m.sources) if (!out.includes(s)) out.push(s);
  return out;
}

export interface ResolvedMethod {
  def: MethodDef;
  /** Index in the bank's sources of each of the method's sources. */
  sourceIndex: number[];
  spec: MethodSpec;
}

/**
 * Map a method onto a bank: which of its sources to keep, and the engine's MethodSpec. `trainCounts` are
 * the training images per class (for GIT's rule).
 */
export function resolveMethod(
  def: MethodDef,
  bankSources: readonly string[],
  trainCounts: readonly number[],
  classes?: readonly string[],
): ResolvedMethod {
  const missing = def.sources.filter((s) => !bankSources.includes(s));
  if (missing.length)
    throw new ConfigError(
      `method '${def.name}' needs source(s) ${missing.map((s) => `'${s}'`).join(', ')}, which this bank lacks (it has ${bankSources.join(', ')})`,
    );
  if (def.sources[0] !== 'identity')
    throw new ConfigError(`method '${def.name}': 'identity' must be source 0`);
  const sourceIndex = def.sources.map((s) => bankSources.indexOf(s));
  const S = def.sources.length;
  const rule = def.rule;
  if (rule.kind === 'search') return { def, sourceIndex, spec: { kind: 'search', name: def.name } };
  if (rule.kind === 'fixed') {
    if (rule.probs.length !== S)
      throw new ConfigError(`method '${def.name}': ${S} sources but ${rule.probs.length} probabilities`);
    return { def, sourceIndex, spec: { kind: 'fixed', name: def.name, probs: [...rule.probs] } };
  }
  const largest = Math.max(...trainCounts);
  const probs = trainCounts.map((n, c) => {
    if (!(n >= 0)) throw new ConfigError(`${describeClass(c, classes)}: bad training count ${n}`);
    return [...(n < rule.threshold * largest ? rule.minority : rule.majority)];
  });
  return { def, sourceIndex, spec: { kind: 'fixed', name: def.name, probs } };
}

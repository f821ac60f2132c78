/**
 * Which sources a run makes: the union of its methods' sources (the registry's sourcesFor), and only
 * those. 'local', 'transfer' (AutoGenDA's captions) and 'prompt' (DA-Fusion's "a photo of a <y>") are
 * img2img candidates; any VIEW_PIPELINES name ('simple', 'randaugment', …) is rendered views of the real
 * image. K, the bank's candidates per source, is max(kLocal, kTransfer, 1) whichever sources are made:
 * prompt candidates and views come K per image, local and transfer as many as asked (the bank cycles
 * them when fewer, bank-build.ts), so adding a method never changes the K of another method's bank.
 * A run with no method (a generation-only run) makes what `autogenda` would.
 */
import { ConfigError } from '../core/errors.ts';
import { VIEW_PIPELINES } from '../stages/augment/pipelines.ts';
import { METHODS, parseMethodDef, sourcesFor } from '../train/method-registry.ts';
import type { CandidateSource } from './prompts.ts';

const GENERATED: readonly CandidateSource[] = ['local', 'transfer', 'prompt'];

export interface RunSources {
  /** The bank's sources: identity, then the generated ones, then the views, in that fixed order. */
  order: string[];
  kLocal: number;
  kTransfer: number;
  kPrompt: number;
  /** View sources, and views per training image of each. */
  views: string[];
  kViews: number;
  K: number;
  /** Candidates (or views) per training image of a source: how many distinct slots it fills. */
  perImage(source: string): number;
}

export function planRunSources(
  methods: readonly string[],
  s: { kLocal: number; kTransfer: number },
): RunSources {
  const needed = new Set(
    methods.length ? sourcesFor(methods.map(parseMethodDef)) : ['identity', 'local', 'transfer'],
  );
  const viewNames = Object.keys(VIEW_PIPELINES);
  for (const src of needed) {
    if (src !== 'identity' && !GENERATED.includes(src as CandidateSource) && !viewNames.includes(src))
      throw new ConfigError(
        `a method draws from source '${src}', which a run cannot make: a run makes ${[...GENERATED, ...viewNames].join(', ')}`,
      );
  }
  for (const [src, k, flag] of [
    ['local', s.kLocal, 'k-local'],
    ['transfer', s.kTransfer, 'k-transfer'],
  ] as const) {
    if (methods.length && needed.has(src) && k === 0)
      throw new ConfigError(`a selected method draws from '${src}', but ${flag} is 0: set it to 1 or more`);
  }
  const K = Math.max(s.kLocal, s.kTransfer, 1);
  const counts: Record<string, number> = {
    local: needed.has('local') ? s.kLocal : 0,
    transfer: needed.has('transfer') ? s.kTransfer : 0,
    prompt: needed.has('prompt') ? K : 0,
  };
  const views = viewNames.filter((v) => needed.has(v));
  const order = ['identity', ...GENERATED.filter((g) => counts[g] > 0), ...views];
  return {
    order,
    kLocal: counts.local,
    kTransfer: counts.transfer,
    kPrompt: counts.prompt,
    views,
    kViews: K,
    K,
    perImage: (src) => (src === 'identity' ? 1 : views.includes(src) ? K : (counts[src] ?? 0)),
  };
}

/** The registry's methods a run can make every source of (all of them today), in registry order. */
export function runnableMethods(): string[] {
  const makeable = new Set(['identity', ...GENERATED, ...Object.keys(VIEW_PIPELINES)]);
  return Object.values(METHODS)
    .filter((m) => m.sources.every((src) => makeable.has(src)))
    .map((m) => m.name);
}

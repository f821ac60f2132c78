/** WebGPU features: the optional ones we care about first (present or not, and what that means), then all. */
import { OPTIONAL_FEATURES } from '../../gpu/capabilities.ts';

/** What each optional feature's presence or absence means, in a few words (the full cost is a warning). */
const MEANING: Readonly<Record<string, { present: string; absent: string }>> = {
  'shader-f16': {
    present: 'fp16 models can load',
    absent: 'fp16 models will not load (fp32 models still work)',
  },
  'timestamp-query': {
    present: 'per-kernel GPU timings in benchmarks',
    absent: 'benchmarks use wall-clock timings',
  },
  subgroups: { present: 'subgroup-accelerated reductions', absent: 'shared-memory reductions are used' },
};

export function FeatureList({ features }: { features: readonly string[] }) {
  const have = new Set(features);
  return (
    <div class="features">
      <ul class="feature-checks">
        {Object.keys(OPTIONAL_FEATURES).map((name) => {
          const present = have.has(name);
          const meaning = MEANING[name];
          const state = present ? 'present' : 'absent';
          return (
            <li key={name} class={state} data-feature={name}>
              <span class="mark" aria-hidden="true">
                {present ? '✓' : '✗'}
              </span>
              <code>{name}</code>
              <span class="feature-state">
                {state}
                {meaning && `: ${present ? meaning.present : meaning.absent}`}
              </span>
            </li>
          );
        })}
      </ul>
      <details>
        <summary>All {features.length} features this adapter offers</summary>
        <ul class="chips">
          {features.map((f) => (
            <li key={f} class={f in OPTIONAL_FEATURES ? 'chip chip-key' : 'chip'}>
              {f}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

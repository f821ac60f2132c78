/**
 * The roles each captioner session must fill, per layout (layouts.ts feeds and fetches these names).
 * KV-cache tensors are families (`past_key_values.{i}.key` …); their head count and head size may be
 * symbolic in a graph's metadata, and then come from the manifest's `sessions` shapes (dims 1 and 3).
 * Optional inputs the exports disagree on (MODELS-RESEARCH.md §3): `use_cache_branch` (optimum's merged
 * decoders; filled true once the cache holds tokens), `position_ids`, `attention_mask`,
 * `pixel_attention_mask`; `image_features` comes as rank 3 [images, rows, dim] or flattened rank 2.
 */
import type { CaptionerSettings } from '../../models/manifest.ts';
import { FLOAT, INT, type Role, type SessionRoles } from '../../ort/binding.ts';
import type { Feed } from '../../ort/session.ts';

const cacheHolds = (f: Readonly<Record<string, Feed>>) =>
  Object.entries(f).some(([k, v]) => k.startsWith('past_key_values.') && (v.dims[2] ?? 0) > 0);

const kv: Role[] = (['key', 'value'] as const).map((x) => ({
  role: `past_key_values.*.${x}`,
  dtypes: FLOAT,
  ranks: [4],
  manifestDims: [1, 3],
}));
const presents: Role[] = (['key', 'value'] as const).map((x) => ({
  role: `present.*.${x}`,
  dtypes: FLOAT,
  ranks: [4],
}));
const useCacheBranch: Role = {
  role: 'use_cache_branch',
  dtypes: ['bool'],
  ranks: [1],
  optional: true,
  fill: (f) => ({ type: 'bool', data: Uint8Array.of(cacheHolds(f) ? 1 : 0), dims: [1] }),
};
const logits: Role = { role: 'logits', dtypes: FLOAT, ranks: [3] };

export function captionerRoles(s: Pick<CaptionerSettings, 'layout'>): Record<string, SessionRoles> {
  if (s.layout === 'encoder-decoder') {
    return {
      encoder: {
        inputs: [{ role: 'pixel_values', dtypes: FLOAT, ranks: [4] }],
        outputs: [{ role: 'last_hidden_state', dtypes: FLOAT, ranks: [3] }],
      },
      decoder: {
        inputs: [
          { role: 'input_ids', dtypes: INT, ranks: [2] },
          { role: 'encoder_hidden_states', dtypes: FLOAT, ranks: [3] },
          ...kv,
          useCacheBranch,
        ],
        outputs: [logits, ...presents],
      },
    };
  }
  return {
    vision: {
      inputs: [
        { role: 'pixel_values', dtypes: FLOAT, ranks: [5] },
        { role: 'pixel_attention_mask', dtypes: ['bool'], ranks: [4], optional: true },
      ],
      outputs: [{ role: 'image_features', dtypes: FLOAT, ranks: [2, 3] }],
    },
    embed: {
      inputs: [{ role: 'input_ids', dtypes: INT, ranks: [2] }],
      outputs: [{ role: 'inputs_embeds', dtypes: FLOAT, ranks: [3] }],
    },
    decoder: {
      inputs: [
        { role: 'inputs_embeds', dtypes: FLOAT, ranks: [3] },
        { role: 'attention_mask', dtypes: INT, ranks: [2], optional: true },
        { role: 'position_ids', dtypes: INT, ranks: [2], optional: true },
        ...kv,
        useCacheBranch,
      ],
      outputs: [logits, ...presents],
    },
  };
}

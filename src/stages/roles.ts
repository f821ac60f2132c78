/**
 * The roles the embedder and the backbone need from their one session ('model'). Names come from the
 * manifest's settings first, then the other names exporters use (MODELS-RESEARCH.md: sentence-
 * transformers exports call the token vectors `token_embeddings`; ResNet feature exports
 * `last_hidden_state` [B, 2048, 7, 7], `pooler_output` [B, 2048, 1, 1] or torchvision's `output`).
 */
import type { BackboneSettings, EmbedderSettings } from '../models/manifest.ts';
import { FLOAT, INT, type SessionRoles } from '../ort/binding.ts';
import type { Feed } from '../ort/session.ts';
import type { TensorData } from '../ort/types.ts';

const uniq = (names: string[]) => [...new Set(names)];

/** int64 zeros shaped like another feed (token_type_ids beside input_ids, as transformers.js fills it). */
export const zerosLike = (f: Feed | undefined): TensorData => {
  const dims = f ? [...f.dims] : [1, 1];
  return { type: 'int64', data: new BigInt64Array(dims.reduce((a, b) => a * b, 1)), dims };
};

export function embedderRoles(s: EmbedderSettings): Record<string, SessionRoles> {
  const ids = { dtypes: INT, ranks: [2] };
  return {
    model: {
      inputs: [
        { role: 'input_ids', ...ids },
        { role: 'attention_mask', ...ids, optional: true },
        { role: 'token_type_ids', ...ids, optional: true, fill: (f) => zerosLike(f.input_ids) },
      ],
      outputs: [
        {
          role: s.output,
          names: uniq([s.output, 'last_hidden_state', 'token_embeddings']),
          dtypes: FLOAT,
          ranks: [3],
        },
      ],
    },
  };
}

export function backboneRoles(s: BackboneSettings): Record<string, SessionRoles> {
  return {
    model: {
      inputs: [{ role: s.input, names: uniq([s.input, 'pixel_values', 'input']), dtypes: FLOAT, ranks: [4] }],
      outputs: [
        {
          role: s.output,
          names: uniq([s.output, 'last_hidden_state', 'pooler_output', 'output']),
          dtypes: FLOAT,
          ranks: [2, 4],
        },
      ],
    },
  };
}

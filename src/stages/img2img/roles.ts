/**
 * What Img2Img (pipeline.ts) needs from each of the four SD graphs, with the variants exporters
 * produce (MODELS-RESEARCH.md §4): `input_ids` int32 (optimum before 2024-11, diffusers' script) or
 * int64 (optimum now); `timestep` int64 [steps], float [batch] or a float scalar (timestep.ts feeds
 * what the graph declares); the VAE encoder's sampled `latent_sample` or its `latent_parameters`
 * (mean ‖ logvar); float I/O float32 or float16 (the session converts).
 */
import { FLOAT, INT, type SessionRoles } from '../../ort/binding.ts';
import { VAE_NOISE } from './vae-noise.ts';

export const IMG2IMG_ROLES: Record<'textEncoder' | 'unet' | 'vaeEncoder' | 'vaeDecoder', SessionRoles> = {
  textEncoder: {
    inputs: [{ role: 'input_ids', dtypes: INT, ranks: [2] }],
    outputs: [{ role: 'last_hidden_state', dtypes: FLOAT, ranks: [3] }],
  },
  unet: {
    inputs: [
      { role: 'sample', dtypes: FLOAT, ranks: [4] },
      { role: 'timestep', dtypes: [...INT, ...FLOAT], ranks: [0, 1] },
      { role: 'encoder_hidden_states', dtypes: FLOAT, ranks: [3] },
    ],
    outputs: [{ role: 'out_sample', dtypes: FLOAT, ranks: [4] }],
  },
  vaeEncoder: {
    inputs: [
      { role: 'sample', dtypes: FLOAT, ranks: [4] },
      // added by seedVaeNoise where the export sampled inside the graph; Img2Img feeds it
      { role: VAE_NOISE, dtypes: FLOAT, ranks: [4], optional: true },
    ],
    outputs: [
      { role: 'latent_sample', dtypes: FLOAT, ranks: [4], oneOf: 'latent' },
      { role: 'latent_parameters', dtypes: FLOAT, ranks: [4], oneOf: 'latent' },
    ],
  },
  vaeDecoder: {
    inputs: [{ role: 'latent_sample', dtypes: FLOAT, ranks: [4] }],
    outputs: [{ role: 'sample', dtypes: FLOAT, ranks: [4] }],
  },
};

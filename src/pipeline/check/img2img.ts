/**
 * Stable Diffusion img2img: (1) the VAE alone (strength 0: decode(encode(x))) must reconstruct a
 * natural photo above a PSNR floor taken from the SD VAE's published evaluation; (2) a low-strength
 * edit must stay nearer its input than another photo; (3) a high-strength edit must move measurably
 * further from the input than the low-strength one (SDEdit: more noise keeps less of the input).
 */
import { resample } from '../../stages/image/resample.ts';
import type { Img2Img } from '../../stages/img2img/pipeline.ts';
import { psnr } from './measures.ts';
import type { Photos } from './photos.ts';
import { type CheckItem, item } from './result.ts';

/**
 * stabilityai/sd-vae-ft-mse (and -ema) model card, "COCO 2017 (256x256, val, 5000 images)": the
 * original kl-f8 VAE used by SD v1.x scores PSNR 23.4 ± 3.8 dB; the floor is one σ below the mean.
 */
export const VAE_PSNR_FLOOR = 23.4 - 3.8;
export const LOW_STRENGTH = 0.25;
export const HIGH_STRENGTH = 0.9;
/** The smallest gap we call "moved": 1 dB, far above run-to-run float noise (≪ 0.1 dB). */
export const MOVED_DB = 1;
const PROMPT = 'a photo of a cat';
const SEED = 0;

const size = (g: Img2Img) => ({ w: g.settings.width, h: g.settings.height });

/** decode(encode(x)) of the cat photo at the model's resolution. */
export async function checkVae(g: Img2Img, photos: Photos, signal?: AbortSignal): Promise<CheckItem> {
  const { w, h } = size(g);
  const x = resample(photos['cat.jpg'], w, h, 'lanczos');
  const rec = await g.generate(x, { prompt: PROMPT, seed: SEED, strength: 0, vaeMode: 'mean', signal });
  return item({
    name: 'VAE reconstruction PSNR',
    value: psnr(rec.image, x),
    threshold: VAE_PSNR_FLOOR,
    op: 'min',
    unit: 'dB',
    source:
      'published: stabilityai/sd-vae-ft-mse model card, COCO 2017 val 256²: original kl-f8 VAE PSNR 23.4 ± 3.8 dB; floor = mean − 1σ',
    detail: `cat.jpg at ${w}×${h}`,
  });
}

export async function checkStrength(g: Img2Img, photos: Photos, signal?: AbortSignal): Promise<CheckItem[]> {
  const { w, h } = size(g);
  const x = resample(photos['cat.jpg'], w, h, 'lanczos');
  const other = resample(photos['coffee.jpg'], w, h, 'lanczos');
  const run = (strength: number) => g.generate(x, { prompt: PROMPT, seed: SEED, strength, signal });
  const low = (await run(LOW_STRENGTH)).image;
  const high = (await run(HIGH_STRENGTH)).image;
  const lowIn = psnr(low, x);
  return [
    item({
      name: `strength ${LOW_STRENGTH} stays near its input`,
      value: lowIn - psnr(low, other),
      threshold: 0,
      op: 'min',
      unit: 'dB (PSNR to the input − PSNR to another photo)',
      source:
        'physical: SDEdit (Meng et al. 2022) noises the input to t = strength·T and denoises; at low t most of the input signal survives (√ᾱ_t near 1)',
      detail: `cat.jpg vs coffee.jpg; PSNR to input ${lowIn.toFixed(2)} dB`,
    }),
    item({
      name: `strength ${HIGH_STRENGTH} moves further than ${LOW_STRENGTH}`,
      value: lowIn - psnr(high, x),
      threshold: MOVED_DB,
      op: 'min',
      unit: 'dB (PSNR at low strength − PSNR at high strength)',
      source:
        'physical: more noise (√(1−ᾱ_t) grows with t) leaves less of the input, so a stronger edit lies further from it; 1 dB = a measurable gap',
      detail: 'cat.jpg, prompt "a photo of a cat", seed 0',
    }),
  ];
}

export async function checkImg2Img(g: Img2Img, photos: Photos, signal?: AbortSignal): Promise<CheckItem[]> {
  return [await checkVae(g, photos, signal), ...(await checkStrength(g, photos, signal))];
}

/**
 * Stable Diffusion img2img (SDEdit), ALGORITHM.md §5: tokenise (pad to 77) → text encoder
 * ([negative, prompt] under guidance) → resize (Lanczos, aspect not kept) to the model's resolution,
 * [-1, 1] → VAE encoder
 * (× scale) → noise at the start step that `strength` picks (diffusers get_timesteps) → UNet loop
 * with classifier-free guidance → VAE decoder (÷ scale) → image at the original size.
 * Every random draw comes from Rng(seed) forks, so (image, prompts, seed, settings) fix the output.
 * strength 0 runs no UNet step (decode(encode(x))); strength 1 starts from pure noise × the
 * scheduler's init sigma at the first timestep and skips the VAE encoder.
 */
import { ConfigError } from '../../core/errors.ts';
import type { ProgressFn } from '../../core/progress.ts';
import { Rng } from '../../core/rng.ts';
import type { TextTokenizer } from '../../models/tokenizer.ts';
import { DeviceTensor, type Feed, type SessionLike } from '../../ort/session.ts';
import type { TensorData } from '../../ort/types.ts';
import { type RgbImage, resample } from '../image/resample.ts';
import { resolveGeneration } from './generation.ts';
import { fromSigned, gaussian, guide, latentFromParameters, toSigned, twice } from './latents.ts';
import { img2imgSkip, makeScheduler, type SchedulerConfig, type SchedulerKind } from './schedulers/index.ts';
import { expandPrompt } from './textual-inversion.ts';
import { timestepFeed } from './timestep.ts';
import { noiseDims, VAE_NOISE } from './vae-noise.ts';

export interface Img2ImgModels {
  textEncoder: SessionLike;
  unet: SessionLike;
  vaeEncoder: SessionLike;
  vaeDecoder: SessionLike;
  tokenizer: TextTokenizer;
  /** Textual-inversion tokens in the tokenizer and their vector counts: prompts are expanded here. */
  tiVectors?: ReadonlyMap<string, number>;
}

export interface Img2ImgSettings {
  scheduler: SchedulerConfig;
  /** Model resolution, multiples of 8 (512 for SD v1.x and SD-Turbo). */
  width: number;
  height: number;
  vaeScale?: number;
  maxLength?: number;
  /** The model's defaults when a call names none (SD v1.x: 50 steps, guidance 7.5; SD-Turbo: 1 step, none). */
  steps?: number;
  guidance?: number;
  strength?: number;
  /** false: trained without classifier-free guidance (SD-Turbo): guidance is never applied. */
  cfg?: boolean;
}

export interface GenerateOptions {
  prompt: string;
  negativePrompt?: string;
  strength?: number;
  steps?: number;
  /** > 1 turns on classifier-free guidance (diffusers' rule). */
  guidance?: number;
  seed: number;
  schedulerKind?: SchedulerKind;
  /** Sample the VAE posterior (diffusers' default) or take its mean (latent_parameters or seeded-noise graphs). */
  vaeMode?: 'sample' | 'mean';
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Sees the latent the loop starts from (step −1) and after each step; for tests and debugging. */
  onLatent?: (step: number, timestep: number | undefined, latent: Float32Array) => void;
}

export interface PhaseTimes {
  textEncoder: number;
  vaeEncoder: number;
  unetSteps: number[];
  vaeDecoder: number;
}

export interface Img2ImgJob {
  image: RgbImage;
  prompt: string;
  negativePrompt?: string;
  seed: number;
}

export type SharedOptions = Omit<GenerateOptions, 'prompt' | 'negativePrompt' | 'seed'>;

export interface GenerateBatchResult {
  images: RgbImage[];
  unetSteps: number;
  timesteps: number[];
  ms: PhaseTimes;
}

export interface GenerateResult {
  image: RgbImage;
  unetSteps: number;
  timesteps: number[];
  ms: PhaseTimes;
}

const now = () => performance.now();

/** n draws from each generator, back to back (job j's slice only depends on job j's seed). */
function perJob(rngs: readonly Rng[], n: number): Float32Array {
  const out = new Float32Array(rngs.length * n);
  rngs.forEach((r, j) => {
    out.set(gaussian(r, n), j * n);
  });
  return out;
}

/**
 * One macrotask turn without setTimeout's 4 ms clamp. A wasm run resolves through microtasks only,
 * so without this a worker would not see a cancel message until the whole loop had finished.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

export class Img2Img {
  constructor(
    readonly models: Img2ImgModels,
    readonly settings: Img2ImgSettings,
  ) {
    const { width, height } = settings;
    if (width % 8 !== 0 || height % 8 !== 0 || width <= 0 || height <= 0) {
      throw new ConfigError(`img2img: the model resolution must be a multiple of 8, got ${width}×${height}.`);
    }
  }

  async generate(image: RgbImage, o: GenerateOptions): Promise<GenerateResult> {
    const { prompt, negativePrompt, seed, ...shared } = o;
    const r = await this.generateBatch([{ image, prompt, negativePrompt, seed }], shared);
    return { image: r.images[0], unetSteps: r.unetSteps, timesteps: r.timesteps, ms: r.ms };
  }

  /**
   * Several images through one UNet batch per step (2·B rows under guidance), each with its own
   * prompt and seed: job j's output does not depend on what it was batched with.
   */
  async generateBatch(jobs: readonly Img2ImgJob[], o: SharedOptions): Promise<GenerateBatchResult> {
    const { width: W, height: H, vaeScale = 0.18215 } = this.settings;
    const B = jobs.length;
    const { steps, strength, guidance: g } = resolveGeneration(o, this.settings);
    const cfg = g > 1;
    const rngs = jobs.map((j) => new Rng(j.seed));
    const draws = (label: string) => {
      const forks = rngs.map((r) => r.fork(label));
      return (n: number) => perJob(forks, n / B);
    };
    const ms: PhaseTimes = { textEncoder: 0, vaeEncoder: 0, unetSteps: [], vaeDecoder: 0 };
    const sched = makeScheduler(this.settings.scheduler, steps, o.schedulerKind);
    sched.startAt(img2imgSkip(steps, strength));
    // strength 0 means "no edit"; PNDM's N+1 list would otherwise leave its last entry
    const ts = strength > 0 ? [...sched.timesteps] : [];
    const h = H / 8;
    const w = W / 8;

    let t0 = now();
    // multi-vector textual-inversion tokens: '<t>' → '<t> <t>_1 …' (the tokens the text encoder knows)
    const ti = this.models.tiVectors;
    const expand = (p: string) => (ti?.size ? expandPrompt(p, ti) : p);
    const prompts = jobs.map((j) => expand(j.prompt));
    const hidden =
      ts.length > 0
        ? await this.encodeText(
            cfg ? [...jobs.map((j) => expand(j.negativePrompt ?? '')), ...prompts] : prompts,
            o.signal,
          )
        : undefined;
    ms.textEncoder = now() - t0;

    t0 = now();
    let latent: Float32Array;
    let C = 4;
    const noise = draws('noise');
    if (strength >= 1) {
      latent = noise(B * C * h * w).map((v) => v * sched.initNoiseSigma);
    } else {
      const x0 = await this.encodeImages(
        jobs.map((j) => j.image),
        o.vaeMode ?? 'sample',
        draws('vae'),
        o.signal,
      );
      C = x0.dims[1];
      const scaled = x0.data.map((v) => v * vaeScale);
      latent = ts.length > 0 ? sched.addNoise(scaled, noise(scaled.length), 0) : scaled;
    }
    ms.vaeEncoder = now() - t0;
    o.onLatent?.(-1, ts[0], latent);

    const stepNoise = draws('step');
    const dims = [cfg ? 2 * B : B, C, h, w];
    for (let i = 0; i < ts.length; i++) {
      await yieldToEventLoop(); // lets a worker's cancel() message in between steps
      o.signal?.throwIfAborted();
      t0 = now();
      const x = sched.scaleModelInput(latent, i);
      const feeds: Record<string, Feed> = {
        sample: { type: 'float32', data: cfg ? twice(x) : x, dims },
        timestep: timestepFeed(this.models.unet, ts[i], dims[0]),
        encoder_hidden_states: hidden as Feed,
      };
      const res = await this.models.unet.run(feeds, { fetches: ['out_sample'], signal: o.signal });
      const out = (res.out_sample as TensorData).data as Float32Array;
      // rows [uncond 1..B, cond 1..B]: guide() pairs row k with row B + k
      const eps = cfg ? guide(out, g) : out;
      latent = sched.step(eps, i, latent, () => stepNoise(latent.length));
      ms.unetSteps.push(now() - t0);
      o.onLatent?.(i, ts[i], latent);
      o.onProgress?.({
        type: 'stage',
        stage: 'candidates',
        done: i + 1,
        total: ts.length,
        unit: 'unet steps',
      });
    }
    if (hidden instanceof DeviceTensor) hidden.dispose();

    t0 = now();
    const z = latent.map((v) => v / vaeScale);
    const dec = await this.models.vaeDecoder.run(
      { latent_sample: { type: 'float32', data: z, dims: [B, C, h, w] } },
      { fetches: ['sample'], signal: o.signal },
    );
    const px = (dec.sample as TensorData).data as Float32Array;
    const images = jobs.map(({ image }, b) => {
      const one = fromSigned(px.subarray(b * 3 * H * W, (b + 1) * 3 * H * W), W, H);
      const same = one.width === image.width && one.height === image.height;
      return same ? one : resample(one, image.width, image.height, 'bicubic');
    });
    ms.vaeDecoder = now() - t0;
    return { images, unetSteps: ts.length, timesteps: ts, ms };
  }

  /** [batch, 77, D] hidden states (left on the device where the session keeps them). */
  private async encodeText(prompts: string[], signal?: AbortSignal): Promise<Feed> {
    const enc = this.models.tokenizer.encodeBatch(prompts, {
      maxLength: this.settings.maxLength ?? 77,
      padding: 'max_length',
    });
    const want = this.models.textEncoder.inputs.find((i) => i.name === 'input_ids')?.dtype ?? 'int64';
    const ids: TensorData =
      want === 'int32'
        ? { type: 'int32', data: Int32Array.from(enc.inputIds.data, Number), dims: enc.inputIds.dims }
        : enc.inputIds;
    const res = await this.models.textEncoder.run(
      { input_ids: ids },
      { fetches: ['last_hidden_state'], signal },
    );
    const h = res.last_hidden_state;
    const unetWants = this.models.unet.inputs.find((i) => i.name === 'encoder_hidden_states')?.dtype;
    // a kept (GPU) tensor goes to the UNet as it is, so only when the dtypes already agree
    if (h instanceof DeviceTensor && unetWants && h.type !== unetWants) {
      const plain = await h.read();
      h.dispose();
      return plain;
    }
    return h;
  }

  private async encodeImages(
    images: readonly RgbImage[],
    mode: 'sample' | 'mean',
    z: (n: number) => Float32Array,
    signal?: AbortSignal,
  ): Promise<{ data: Float32Array; dims: number[] }> {
    const { width: W, height: H } = this.settings;
    const px = new Float32Array(images.length * 3 * H * W);
    images.forEach((image, b) => {
      const sized = image.width === W && image.height === H ? image : resample(image, W, H, 'lanczos');
      px.set(toSigned(sized), b * 3 * H * W);
    });
    const enc = this.models.vaeEncoder;
    const feeds: Record<string, Feed> = {
      sample: { type: 'float32', data: px, dims: [images.length, 3, H, W] },
    };
    // an export that sampled inside the graph takes our seeded noise instead (vae-noise.ts); zero = the mean
    const noise = enc.inputs.find((i) => i.name === VAE_NOISE);
    if (noise) {
      const dims = noiseDims(noise, enc.outputs, images.length, H / 8, W / 8);
      const n = dims.reduce((a, d) => a * d, 1);
      feeds[VAE_NOISE] = { type: 'float32', data: mode === 'mean' ? new Float32Array(n) : z(n), dims };
    }
    const res = await enc.run(feeds, { signal });
    if (res.latent_parameters) {
      const p = res.latent_parameters as TensorData;
      return latentFromParameters(p.data as Float32Array, p.dims, mode, () => z((p.data.length / 2) | 0));
    }
    const s = res.latent_sample as TensorData | undefined;
    if (!s)
      throw new ConfigError("img2img: the VAE encoder has neither 'latent_sample' nor 'latent_parameters'.");
    return { data: s.data as Float32Array, dims: [...s.dims] };
  }
}

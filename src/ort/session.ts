/**
 * The one ONNX Runtime session wrapper: provider choice with fallback reason, the graph's real
 * inputs/outputs (binding.ts matches them to a stage's roles), one `run()` in flight at a time (ORT
 * sessions are not re-entrant, and on WebGPU overlapping runs race on the same buffers), fp16 ↔ fp32
 * at the boundary, outputs that can stay on the GPU, and an explicit dispose.
 */
import type * as Ort from 'onnxruntime-web';
import {
  AutoGenDAError,
  DeviceLostError,
  ExecutionProviderError,
  ModelSignatureError,
} from '../core/errors.ts';
import { fromHalf, toHalf } from '../core/fp16.ts';
import { ortDeviceLost, watchOrtDevice } from './device-loss.ts';
import { type Ep, type EpRequest, planEps } from './ep.ts';
import { type GcNudge, gcNudge } from './gc-nudge.ts';
import { loadOrt, type OrtModule } from './runtime.ts';
import type { DType, TensorData, ValueSpec } from './types.ts';

type OrtTensor = Ort.Tensor;
/** The part of an ORT InferenceSession we use (tests substitute their own). */
export type InnerSession = Pick<Ort.InferenceSession, 'run' | 'release' | 'inputMetadata' | 'outputMetadata'>;

/** An output left where ONNX Runtime produced it (a GPU buffer on WebGPU): feed it back without a copy. */
export class DeviceTensor {
  constructor(readonly raw: OrtTensor) {}
  get dims(): readonly number[] {
    return this.raw.dims;
  }
  get type(): string {
    return this.raw.type;
  }
  get location(): string {
    return this.raw.location;
  }
  /** Copy to a plain tensor (downloads from the GPU when needed); float16 stays raw half bits. */
  read(): Promise<TensorData> {
    return plain(this.raw);
  }
  dispose(): void {
    if (this.raw.location === 'gpu-buffer') this.raw.dispose();
  }
}

export type Feed = TensorData | DeviceTensor;
export type Outputs = Record<string, TensorData | DeviceTensor>;

export interface CreateOptions {
  /** For messages: 'embedder model', 'captioner decoder'. */
  name: string;
  ep?: EpRequest;
  externalData?: { path: string; data: Uint8Array | Blob }[];
  /** Outputs returned as DeviceTensor (on WebGPU they stay in GPU memory). */
  keepOutputs?: (name: string) => boolean;
  freeDimensions?: Record<string, number>;
  /** Return float16 outputs as float32 (default true). */
  fp32Outputs?: boolean;
  /**
   * Big graphs (Stable Diffusion): the memory options of ONNX Runtime's own js/sd-turbo demo, so that
   * creating the session does not hold the weights twice (see lowMemoryOptions).
   */
  lowMemory?: boolean;
  /** Told of every run with its batch size (the first graph input's first dimension): call counting. */
  onRun?: (batch: number) => void;
}

export interface RunOptions {
  /** Only these outputs (default: all). */
  fetches?: string[];
  signal?: AbortSignal;
}

function specs(meta: readonly Ort.InferenceSession.ValueMetadata[]): ValueSpec[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, dtype: m.type as DType, shape: [...m.shape] }
      : { name: m.name, dtype: 'non-tensor' as DType, shape: [] },
  );
}

async function plain(t: OrtTensor): Promise<TensorData> {
  let data = (t.location === 'cpu' ? t.data : await t.getData()) as ArrayBufferView & ArrayLike<number>;
  // ORT hands out a native Float16Array where the runtime has one; we carry half bits as Uint16Array.
  if (t.type === 'float16' && !(data instanceof Uint16Array)) {
    data = new Uint16Array(data.buffer, data.byteOffset, data.length);
  }
  return { type: t.type as DType, data: data as TensorData['data'], dims: [...t.dims] };
}

/** What stages need from a session (tests may wrap one to watch its feeds). */
export interface SessionLike {
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  run(feeds: Record<string, Feed>, options?: RunOptions): Promise<Outputs>;
  dispose(): Promise<void>;
}

export class OrtSession implements SessionLike {
  readonly inputs: ValueSpec[];
  readonly outputs: ValueSpec[];
  private readonly inputTypes: Map<string, DType>;
  private tail: Promise<unknown> = Promise.resolve();
  private active = 0;
  private disposed = false;
  /** Most runs ever in flight at once inside ONNX Runtime (1 by construction; tests check it). */
  maxInFlight = 0;

  constructor(
    private readonly ort: OrtModule,
    private readonly inner: InnerSession,
    readonly ep: Ep,
    readonly fallbackReason: string | undefined,
    private readonly opts: CreateOptions,
    /** WebGPU in Deno: collects the bind groups ORT dropped (gc-nudge.ts, docs/SEGFAULT.md). */
    private readonly gcNudge?: GcNudge,
  ) {
    this.inputs = specs(inner.inputMetadata);
    this.outputs = specs(inner.outputMetadata);
    this.inputTypes = new Map(this.inputs.map((s) => [s.name, s.dtype]));
  }

  static async create(model: Uint8Array, opts: CreateOptions): Promise<OrtSession> {
    const ort = await loadOrt();
    const plan = await planEps(opts.ep ?? 'auto');
    if (plan.order.length === 0) {
      throw new ExecutionProviderError(
        `WebGPU was required for ${opts.name}, but ${plan.skipped}. Allow the wasm fallback (ep 'auto').`,
      );
    }
    let reason = plan.skipped;
    const failures: string[] = [];
    for (const ep of plan.order) {
      let inner: InnerSession;
      try {
        inner = await ort.InferenceSession.create(model, sessionOptions(ep, opts));
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        failures.push(`${ep}: ${msg}`);
        reason = `creating the WebGPU session failed: ${msg}`;
        continue;
      }
      if (ep === 'webgpu') watchOrtDevice(ort);
      try {
        const nudge = ep === 'webgpu' ? await gcNudge() : undefined;
        return new OrtSession(ort, inner, ep, ep === 'wasm' ? reason : undefined, opts, nudge);
      } catch (e) {
        await inner.release();
        throw e; // a bad graph is the model's fault, not the provider's: no fallback
      }
    }
    throw new ExecutionProviderError(
      `Could not start ${opts.name} on any execution provider (${failures.join('; ')}).`,
    );
  }

  /** Runs one at a time, in call order. */
  run(feeds: Record<string, Feed>, options: RunOptions = {}): Promise<Outputs> {
    if (this.disposed) {
      return Promise.reject(new AutoGenDAError(`${this.opts.name} was disposed; load the model again.`));
    }
    const job = this.tail.then(() => this.runNow(feeds, options));
    this.tail = job.catch(() => undefined);
    return job;
  }

  private async runNow(feeds: Record<string, Feed>, options: RunOptions): Promise<Outputs> {
    options.signal?.throwIfAborted();
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, v] of Object.entries(feeds)) ortFeeds[name] = this.toOrt(name, v);
    if (this.opts.onRun) {
      const first = ortFeeds[this.inputs[0]?.name] ?? Object.values(ortFeeds)[0];
      this.opts.onRun(first?.dims.length ? first.dims[0] : 1);
    }
    this.active++;
    this.maxInFlight = Math.max(this.maxInFlight, this.active);
    let res: Record<string, OrtTensor>;
    try {
      res = (await (options.fetches
        ? this.inner.run(ortFeeds, options.fetches)
        : this.inner.run(ortFeeds))) as Record<string, OrtTensor>;
    } catch (e) {
      const lost = this.ep === 'webgpu' ? ortDeviceLost() : undefined;
      if (lost) throw new DeviceLostError(`${this.opts.name}: the GPU device was lost (${lost}).`);
      throw new AutoGenDAError(`${this.opts.name} failed to run on ${this.ep}: ${(e as Error).message ?? e}`);
    } finally {
      this.active--;
      this.gcNudge?.afterRun();
    }
    const out: Outputs = {};
    for (const [name, t] of Object.entries(res)) {
      if (this.opts.keepOutputs?.(name)) {
        out[name] = new DeviceTensor(t);
        continue;
      }
      const p = await plain(t);
      if (t.location === 'gpu-buffer') t.dispose();
      out[name] =
        p.type === 'float16' && this.opts.fp32Outputs !== false
          ? { type: 'float32', data: fromHalf(p.data as Uint16Array), dims: p.dims }
          : p;
    }
    return out;
  }

  private toOrt(name: string, v: Feed): OrtTensor {
    if (v instanceof DeviceTensor) return v.raw;
    const want = this.inputTypes.get(name);
    let { type, data } = v as TensorData;
    if (want === 'float16' && type === 'float32') {
      type = 'float16';
      data = toHalf(data as Float32Array);
    } else if (want === 'float32' && type === 'float16') {
      type = 'float32';
      data = fromHalf(data as Uint16Array);
    } else if (want && want !== type) {
      throw new ModelSignatureError(`${this.opts.name}: input '${name}' is ${want}, but was fed ${type}.`);
    }
    return new this.ort.Tensor(type as 'float32', data as Float32Array, v.dims);
  }

  /** Waits for queued runs, then frees the session (and its GPU memory). Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.tail;
    await this.inner.release();
  }
}

/**
 * Session config entries (onnxruntime_session_options_config_keys.h, passed through `extra.session`):
 * initializers are used from the model bytes in place and allocated straight on the device instead of
 * copied and pre-packed; no CPU arena or memory pattern holding peak-sized blocks.
 */
export const lowMemoryOptions = {
  enableMemPattern: false,
  enableCpuMemArena: false,
  extra: {
    session: {
      use_ort_model_bytes_directly: '1',
      use_ort_model_bytes_for_initializers: '1',
      use_device_allocator_for_initializers: '1',
      disable_prepacking: '1',
    },
  },
} as const satisfies Ort.InferenceSession.SessionOptions;

export function sessionOptions(ep: Ep, o: CreateOptions): Ort.InferenceSession.SessionOptions {
  const opts: Ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: ORT's node-placement warnings are noise for users
  };
  if (o.freeDimensions) opts.freeDimensionOverrides = o.freeDimensions;
  if (o.externalData) opts.externalData = o.externalData;
  // ORT wants exact output names here; all outputs on the GPU, and read back the ones not kept.
  if (ep === 'webgpu' && o.keepOutputs) opts.preferredOutputLocation = 'gpu-buffer';
  // a fresh copy per session: ORT writes its own defaults into `extra.session`
  if (o.lowMemory) Object.assign(opts, structuredClone(lowMemoryOptions));
  return opts;
}

/**
 * The one place that acquires a WebGPU device: limits, features, device loss and uncaptured errors.
 * Everything GPU-side in the product goes through a `Gpu` (device + pipeline cache + buffer pool).
 */
import {
  DeviceLostError,
  FeatureMissingError,
  GPUValidationError,
  LimitTooLowError,
  WebGPUUnavailableError,
} from '../core/errors.ts';
import { BufferPool, readback, STORAGE, upload } from './buffers.ts';
import { type Capabilities, describeAdapter } from './capabilities.ts';
import { PipelineCache } from './pipelines.ts';

export interface AcquireOptions {
  /** Minimum limits; acquisition fails with LimitTooLowError (have/need) when the adapter has less. */
  requiredLimits?: Partial<Record<keyof GPUSupportedLimits, number>>;
  /** Features that must exist (FeatureMissingError otherwise), and features used when present. */
  requiredFeatures?: GPUFeatureName[];
  optionalFeatures?: GPUFeatureName[];
  powerPreference?: GPUPowerPreference;
  /** Called for validation/out-of-memory errors nobody captured in a scope. */
  onUncapturedError?: (e: GPUValidationError) => void;
  /** Called once if the device is lost for a reason other than our own `destroy()`. */
  onLost?: (e: DeviceLostError) => void;
}

/** Limits we raise to the adapter's maximum: bigger buffers and workgroups cost nothing to ask for. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

export class Gpu {
  readonly pipelines: PipelineCache;
  readonly pool: BufferPool;
  private lostError: DeviceLostError | undefined;
  private readonly onLost?: (e: DeviceLostError) => void;
  private destroying = false;

  private constructor(
    readonly adapter: GPUAdapter,
    readonly device: GPUDevice,
    readonly capabilities: Capabilities,
    opts: AcquireOptions,
  ) {
    this.pipelines = new PipelineCache(device);
    this.pool = new BufferPool(device);
    this.onLost = opts.onLost;
    device.lost.then((info) => {
      if (!this.destroying) this.markLost(`${info.reason}: ${info.message || 'no message'}`);
    });
    device.addEventListener('uncapturederror', (ev) => {
      const err = new GPUValidationError(
        `Uncaptured WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`,
      );
      if (opts.onUncapturedError) opts.onUncapturedError(err);
      else console.error(err.message);
    });
  }

  static async acquire(opts: AcquireOptions = {}): Promise<Gpu> {
    const gpu = globalThis.navigator?.gpu;
    if (!gpu) throw new WebGPUUnavailableError('WebGPU is not available here (navigator.gpu is missing).');
    const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
    if (!adapter) throw new WebGPUUnavailableError('WebGPU offered no adapter (no usable GPU or driver).');
    for (const f of opts.requiredFeatures ?? []) {
      if (!adapter.features.has(f)) throw new FeatureMissingError(f, 'by this operation');
    }
    const requiredLimits: Record<string, number> = {};
    const have = adapter.limits as unknown as Record<string, number>;
    for (const key of RAISED_LIMITS) requiredLimits[key] = have[key];
    for (const [key, need] of Object.entries(opts.requiredLimits ?? {})) {
      if (need === undefined) continue;
      if (!(have[key] >= need)) throw new LimitTooLowError(key, have[key], need);
      requiredLimits[key] = Math.max(requiredLimits[key] ?? 0, need);
    }
    const features = [
      ...(opts.requiredFeatures ?? []),
      ...(opts.optionalFeatures ?? []).filter((f) => adapter.features.has(f)),
    ];
    const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
    return new Gpu(adapter, device, describeAdapter(adapter), opts);
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  hasFeature(f: GPUFeatureName): boolean {
    return this.device.features.has(f);
  }

  /** Upload a typed array into a pooled buffer (release it to `pool` when done). */
  upload(data: Float32Array | Int32Array | Uint32Array, usage: number = STORAGE, label?: string): GPUBuffer {
    return upload(this.device, this.pool, data, usage, label);
  }

  /** Read `bytes` of a buffer back to the CPU (awaits the GPU). Not for use inside a training step. */
  async read(buffer: GPUBuffer, bytes: number = buffer.size, offset = 0): Promise<ArrayBuffer> {
    this.assertAlive();
    return readback(this.device, this.pool, buffer, bytes, offset);
  }

  async readF32(buffer: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
    return new Float32Array(await this.read(buffer, count * 4, offset * 4));
  }

  /**
   * Records the device as lost: every later `assertAlive` throws DeviceLostError. Called by the
   * `device.lost` handler; tests call it to stand in for a loss, because destroying a device with work in
   * flight crashes software drivers at process exit.
   */
  markLost(why: string): void {
    if (this.lostError) return;
    this.lostError = new DeviceLostError(
      `The GPU device was lost (${why}). Finished work is kept; the run can continue on a new device.`,
    );
    this.onLost?.(this.lostError);
  }

  /** Throws DeviceLostError if the device is gone; call before starting work. */
  assertAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  get lost(): boolean {
    return this.lostError !== undefined;
  }

  /** Run `fn`, capturing validation and out-of-memory errors it causes; rethrow them typed. */
  async errorScope<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T | undefined;
    let thrown: unknown;
    try {
      result = await fn();
    } catch (e) {
      thrown = e;
    }
    const validation = await this.device.popErrorScope();
    const oom = await this.device.popErrorScope();
    const gpuError = validation ?? oom;
    if (gpuError) throw new GPUValidationError(`${what}: ${gpuError.message}`);
    if (thrown !== undefined) throw thrown;
    return result as T;
  }

  /** Release pooled buffers and the device (intentional: not reported as a loss). */
  destroy(): void {
    this.destroying = true;
    this.pool.destroy();
    this.device.destroy();
  }
}

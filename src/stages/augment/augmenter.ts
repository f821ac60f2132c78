/**
 * The augmentation stage on the GPU: batches of RGBA8 images, one op per image per step (steps ping-pong
 * between two buffers in one submit), then pixels → features. Ops are sampled on the CPU (seeded, see
 * pipelines.ts), so a run is reproducible and the CPU reference can replay it.
 */
import { STORAGE, UNIFORM } from '../../gpu/buffers.ts';
import type { Gpu } from '../../gpu/device.ts';
import { encodeDispatch, makeBindGroup } from '../../gpu/dispatch.ts';
import { foldWorkgroups } from '../../gpu/kernel.ts';
import type { CompiledKernel } from '../../gpu/pipelines.ts';
import { augmentKernel } from './augment.wgsl.ts';
import { encodeOps } from './encode.ts';
import { FEATURE_MODES, type FeatureMode, pixelFeaturesKernel } from './features.wgsl.ts';
import type { ImageBatch } from './image.ts';
import type { AugOp } from './ops.ts';

export class Augmenter {
  private constructor(
    readonly gpu: Gpu,
    private readonly opKernel: CompiledKernel,
    private readonly featKernel: CompiledKernel,
  ) {}

  static async create(gpu: Gpu): Promise<Augmenter> {
    const [op, feat] = await Promise.all([
      gpu.pipelines.get(augmentKernel),
      gpu.pipelines.get(pixelFeaturesKernel),
    ]);
    return new Augmenter(gpu, op, feat);
  }

  private uniform(words: number[]): GPUBuffer {
    const buf = this.gpu.pool.acquire(16, UNIFORM, 'augment.dims');
    this.gpu.device.queue.writeBuffer(buf, 0, Uint32Array.from(words));
    return buf;
  }

  /**
   * Encode one op per image, src → dst (each count × width × height u32). Returns the temporary buffers,
   * to release once the work is submitted.
   */
  encodeStep(
    enc: GPUCommandEncoder,
    src: GPUBuffer,
    dst: GPUBuffer,
    ops: readonly AugOp[],
    width: number,
    height: number,
  ): GPUBuffer[] {
    const { words, coef } = encodeOps(ops, width, height);
    const opsBuf = this.gpu.upload(words, STORAGE, 'augment.ops');
    const coefBuf = this.gpu.upload(coef, STORAGE, 'augment.coef');
    const dims = this.uniform([ops.length, width, height, 0]);
    const group = makeBindGroup(this.gpu.device, this.opKernel, {
      src,
      dst,
      ops: opsBuf,
      coef: coefBuf,
      dims,
    });
    const pass = enc.beginComputePass({ label: 'augment.op' });
    encodeDispatch(
      pass,
      this.opKernel,
      group,
      foldWorkgroups(ops.length, this.gpu.limits.maxComputeWorkgroupsPerDimension),
    );
    pass.end();
    return [opsBuf, coefBuf, dims];
  }

  /** Apply steps[s][i] (image i's op at step s) to a batch; returns the augmented batch. */
  async apply(batch: ImageBatch, steps: readonly (readonly AugOp[])[]): Promise<ImageBatch> {
    const { width, height, count } = batch;
    for (const [s, ops] of steps.entries())
      if (ops.length !== count) throw new RangeError(`step ${s} has ${ops.length} ops for ${count} images`);
    const bytes = batch.pixels.byteLength;
    let a = this.gpu.upload(batch.pixels, STORAGE, 'augment.a');
    let b = this.gpu.pool.acquire(bytes, STORAGE, 'augment.b');
    const temps: GPUBuffer[] = [];
    const enc = this.gpu.device.createCommandEncoder({ label: 'augment' });
    for (const ops of steps) {
      temps.push(...this.encodeStep(enc, a, b, ops, width, height));
      [a, b] = [b, a];
    }
    this.gpu.device.queue.submit([enc.finish()]);
    const out = new Uint32Array(await this.gpu.read(a, bytes));
    for (const t of [...temps, a, b]) this.gpu.pool.release(t);
    return { width, height, count, pixels: out };
  }

  /** Encode pixels → features (count × D f32, D = npx or 3·npx) into `out`; returns temporaries. */
  encodeFeatures(
    enc: GPUCommandEncoder,
    src: GPUBuffer,
    out: GPUBuffer,
    count: number,
    npx: number,
    mode: FeatureMode,
  ): GPUBuffer[] {
    const fd = this.uniform([count, npx, FEATURE_MODES[mode], 0]);
    const group = makeBindGroup(this.gpu.device, this.featKernel, { src, out, fd });
    const pass = enc.beginComputePass({ label: 'augment.features' });
    encodeDispatch(
      pass,
      this.featKernel,
      group,
      foldWorkgroups(Math.ceil((count * npx) / 256), this.gpu.limits.maxComputeWorkgroupsPerDimension),
    );
    pass.end();
    return [fd];
  }

  /** Apply the steps, then return the features of the result (count × D, row-major). */
  async features(
    batch: ImageBatch,
    steps: readonly (readonly AugOp[])[],
    mode: FeatureMode,
  ): Promise<Float32Array> {
    const { width, height, count } = batch;
    const npx = width * height;
    const D = mode === 'grey' ? npx : 3 * npx;
    let a = this.gpu.upload(batch.pixels, STORAGE, 'augment.a');
    let b = this.gpu.pool.acquire(batch.pixels.byteLength, STORAGE, 'augment.b');
    const feats = this.gpu.pool.acquire(4 * count * D, STORAGE, 'augment.features');
    const temps: GPUBuffer[] = [];
    const enc = this.gpu.device.createCommandEncoder({ label: 'augment.features' });
    for (const ops of steps) {
      temps.push(...this.encodeStep(enc, a, b, ops, width, height));
      [a, b] = [b, a];
    }
    temps.push(...this.encodeFeatures(enc, a, feats, count, npx, mode));
    this.gpu.device.queue.submit([enc.finish()]);
    const out = await this.gpu.readF32(feats, count * D);
    for (const t of [...temps, a, b, feats]) this.gpu.pool.release(t);
    return out;
  }
}

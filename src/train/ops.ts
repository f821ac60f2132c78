/**
 * A training step is a fixed list of prepared dispatches (`Op`s): pipelines compiled and bind groups built
 * once, so encoding a step is a handful of setPipeline/setBindGroup/dispatch calls with no allocation.
 */
import { STORAGE, UNIFORM } from '../gpu/buffers.ts';
import type { Gpu } from '../gpu/device.ts';
import { type BufferArg, encodeDispatch, makeBindGroup } from '../gpu/dispatch.ts';
import { foldWorkgroups, type KernelSpec } from '../gpu/kernel.ts';
import { type MatmulShape, matmulDims, matmulKernel, matmulWorkgroups } from '../gpu/kernels/matmul.wgsl.ts';
import { smallKKernel, THIN_WG, thinBlocks, thinDims, xwtKernel } from '../gpu/kernels/thin-matmul.wgsl.ts';
import type { CompiledKernel } from '../gpu/pipelines.ts';
import { packShape, type ShapeFields, SLOT_BYTES } from './slots.ts';

/** Up to this many rows (a training batch) the thin kernels beat the tiled matmul. */
const THIN_MAX_ROWS = 64;

export interface Op {
  kernel: CompiledKernel;
  group: GPUBindGroup;
  workgroups: [number, number, number];
  /** Binds the per-step slot (dynamic offset). */
  stepped: boolean;
}

export function encodeOps(pass: GPUComputePassEncoder, ops: readonly Op[], slot: number): void {
  for (const op of ops)
    encodeDispatch(pass, op.kernel, op.group, op.workgroups, op.stepped ? [slot * SLOT_BYTES] : []);
}

/** Owns the small uniform buffers it makes, so a trainer can free them all at once. */
export class OpFactory {
  private owned: GPUBuffer[] = [];

  constructor(
    readonly gpu: Gpu,
    /** The per-step slab; bound as `step` with a dynamic offset. */
    readonly slab?: GPUBuffer,
  ) {}

  shape(fields: Partial<ShapeFields>): GPUBuffer {
    const buf = this.gpu.upload(packShape(fields), UNIFORM, 'shape');
    this.owned.push(buf);
    return buf;
  }

  buffer(bytes: number, label: string): GPUBuffer {
    const buf = this.gpu.pool.acquire(bytes, STORAGE, label);
    this.owned.push(buf);
    return buf;
  }

  async op(
    spec: KernelSpec,
    buffers: Record<string, BufferArg>,
    workgroups: number | [number, number, number],
  ): Promise<Op> {
    const kernel = await this.gpu.pipelines.get(spec);
    const stepped = spec.bindings.some((b) => b.dynamic);
    const all = { ...buffers };
    if (stepped) {
      if (!this.slab) throw new Error(`kernel ${spec.label} needs the step slab`);
      all.step = { buffer: this.slab, size: SLOT_BYTES };
    }
    const wg =
      typeof workgroups === 'number'
        ? foldWorkgroups(workgroups, this.gpu.limits.maxComputeWorkgroupsPerDimension)
        : workgroups;
    return { kernel, group: makeBindGroup(this.gpu.device, kernel, all), workgroups: wg, stepped };
  }

  /** c = alpha·op(a)·op(b) + beta·c as a prepared op. */
  async matmul(a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, shape: MatmulShape): Promise<Op> {
    const dims = this.gpu.upload(new Uint32Array(matmulDims(shape)), UNIFORM, 'matmul.dims');
    this.owned.push(dims);
    return this.op(matmulKernel(shape), { a, b, c, dims }, matmulWorkgroups(shape));
  }

  /**
   * out[M][N] = a[M][K] · b[N][K]ᵀ (a dense layer without bias): the register-blocked thin kernel for batch-
   * sized M, the 64×64-tile matmul for large M (evaluation).
   */
  async xwt(a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, M: number, N: number, K: number): Promise<Op> {
    if (M > THIN_MAX_ROWS) return this.matmul(a, b, out, { M, N, K, transA: false, transB: true });
    return this.thin(xwtKernel(K % 4 === 0), a, b, out, M, N, K);
  }

  /** out[M][N] = a[M][K] · b[K][N] (the gradient through a dense layer to its input). */
  async ab(a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, M: number, N: number, K: number): Promise<Op> {
    if (M > THIN_MAX_ROWS) return this.matmul(a, b, out, { M, N, K, transA: false, transB: false });
    return this.thin(smallKKernel(N % 4 === 0), a, b, out, M, N, K);
  }

  private thin(
    spec: KernelSpec,
    a: GPUBuffer,
    b: GPUBuffer,
    c: GPUBuffer,
    M: number,
    N: number,
    K: number,
  ): Promise<Op> {
    const dims = this.gpu.upload(thinDims(M, N, K), UNIFORM, 'thin.dims');
    this.owned.push(dims);
    return this.op(spec, { a, b, c, dims }, Math.ceil(thinBlocks(M, N) / THIN_WG));
  }

  /** Release every buffer this factory made. */
  release(): void {
    for (const b of this.owned) this.gpu.pool.release(b);
    this.owned = [];
  }
}

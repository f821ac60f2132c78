/**
 * A classifier head living on the GPU: parameters, Adam moments, and the prepared dispatches of its
 * forward pass, its θ update and its input gradient (for α). Linear: logits = x·Wᵀ; MLP: h = relu(x·W₁ᵀ + b₁),
 * logits = h·W₂ᵀ. The last layer's bias is added by the consumers (softmax-CE, argmax).
 */
import { GRAD_ADAM_WG, gradAdamFor, gradAdamInvocations } from '../gpu/kernels/grad-adam.wgsl.ts';
import { biasReluKernel, RELU_WG, reluMaskKernel } from '../gpu/kernels/relu.wgsl.ts';
import type { DenseParams } from './head-init.ts';
import type { Op, OpFactory } from './ops.ts';

interface LayerGpu {
  R: number;
  Cin: number;
  w: GPUBuffer;
  b: GPUBuffer;
  mw: GPUBuffer;
  mb: GPUBuffer;
}

export interface Forward {
  ops: Op[];
  logits: GPUBuffer;
  hidden?: GPUBuffer;
  rows: number;
}

export class HeadGpu {
  private constructor(
    private readonly f: OpFactory,
    readonly layers: LayerGpu[],
  ) {}

  static create(f: OpFactory, params: DenseParams[]): HeadGpu {
    const layers = params.map((p) => {
      const w = f.buffer(p.w.byteLength, 'head.w');
      const b = f.buffer(p.b.byteLength, 'head.b');
      const mw = f.buffer(2 * p.w.byteLength, 'head.mw');
      const mb = f.buffer(2 * p.b.byteLength, 'head.mb');
      const q = f.gpu.device.queue;
      q.writeBuffer(w, 0, p.w);
      q.writeBuffer(b, 0, p.b);
      q.writeBuffer(mw, 0, new Float32Array(2 * p.w.length));
      q.writeBuffer(mb, 0, new Float32Array(2 * p.b.length));
      return { R: p.R, Cin: p.Cin, w, b, mw, mb };
    });
    return new HeadGpu(f, layers);
  }

  /** The same parameters, with temporary buffers made by another factory (e.g. per evaluation block). */
  withFactory(f: OpFactory): HeadGpu {
    return new HeadGpu(f, this.layers);
  }

  get classes(): number {
    return this.layers.at(-1)!.R;
  }

  get outputBias(): GPUBuffer {
    return this.layers.at(-1)!.b;
  }

  async forward(x: GPUBuffer, rows: number): Promise<Forward> {
    const f = this.f;
    const [l0, l1] = this.layers;
    const first = f.buffer(4 * rows * l0.R, 'head.z0');
    const ops = [await f.xwt(x, l0.w, first, rows, l0.R, l0.Cin)];
    if (!l1) return { ops, logits: first, rows };
    ops.push(
      await f.op(
        biasReluKernel,
        { h: first, b: l0.b, shape: f.shape({ rows, R: l0.R }) },
        Math.ceil((rows * l0.R) / RELU_WG),
      ),
    );
    const logits = f.buffer(4 * rows * l1.R, 'head.logits');
    ops.push(await f.xwt(first, l1.w, logits, rows, l1.R, l1.Cin));
    return { ops, logits, hidden: first, rows };
  }

  /** θ update from dZ (already ÷ batch). For the MLP, backpropagates through W₂ before W₂ moves. */
  async update(x: GPUBuffer, fwd: Forward, dz: GPUBuffer): Promise<Op[]> {
    const [l0, l1] = this.layers;
    if (!l1) return [await this.adam(l0, dz, x, fwd.rows)];
    const { ops, grad: dh } = await this.hiddenGrad(fwd, dz);
    ops.push(await this.adam(l1, dz, fwd.hidden!, fwd.rows), await this.adam(l0, dh, x, fwd.rows));
    return ops;
  }

  /** ∂L/∂x for every row (what the α step needs): dZ·W for linear, through the ReLU for the MLP. */
  async inputGrad(fwd: Forward, dz: GPUBuffer): Promise<{ ops: Op[]; grad: GPUBuffer }> {
    const [l0, l1] = this.layers;
    const gx = this.f.buffer(4 * fwd.rows * l0.Cin, 'head.gx');
    if (!l1) {
      return {
        ops: [await this.f.ab(dz, l0.w, gx, fwd.rows, l0.Cin, l0.R)],
        grad: gx,
      };
    }
    const { ops, grad: dh } = await this.hiddenGrad(fwd, dz);
    ops.push(await this.f.ab(dh, l0.w, gx, fwd.rows, l0.Cin, l0.R));
    return { ops, grad: gx };
  }

  async read(): Promise<DenseParams[]> {
    const gpu = this.f.gpu;
    return Promise.all(
      this.layers.map(async (l) => ({
        R: l.R,
        Cin: l.Cin,
        w: await gpu.readF32(l.w, l.R * l.Cin),
        b: await gpu.readF32(l.b, l.R),
      })),
    );
  }

  private async hiddenGrad(fwd: Forward, dz: GPUBuffer): Promise<{ ops: Op[]; grad: GPUBuffer }> {
    const [l0, l1] = this.layers;
    const f = this.f;
    const dh = f.buffer(4 * fwd.rows * l0.R, 'head.dh');
    const ops = [await f.ab(dz, l1.w, dh, fwd.rows, l1.Cin, l1.R)];
    ops.push(
      await f.op(
        reluMaskKernel,
        { dh, h: fwd.hidden!, shape: f.shape({ rows: fwd.rows, R: l0.R }) },
        Math.ceil((fwd.rows * l0.R) / RELU_WG),
      ),
    );
    return { ops, grad: dh };
  }

  private adam(l: LayerGpu, g: GPUBuffer, inp: GPUBuffer, rows: number): Promise<Op> {
    const shape = this.f.shape({ B: rows, R: l.R, Cin: l.Cin });
    return this.f.op(
      gradAdamFor(l.Cin),
      { w: l.w, b: l.b, mw: l.mw, mb: l.mb, g, inp, shape },
      Math.ceil(gradAdamInvocations(l.R, l.Cin) / GRAD_ADAM_WG),
    );
  }
}

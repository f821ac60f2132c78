/**
 * Runs the real engine with the candidate kernels of bench/kernel-candidates.ts, without touching src: the
 * linear head's forward (logits), θ update and input gradient are swapped on HeadGpu's prototype, and the
 * softmax-CE kernel's body on its (shared, mutable) spec object, for the duration of a run (the pipeline
 * cache is keyed by source, so the swapped body compiles to its own pipeline). Same schedule, same random streams, so the final α must still match the CPU
 * reference — an end-to-end check and an end-to-end speed figure for the proposed kernel changes.
 * MLP heads and D % 4 != 0 fall back to the current kernels. Benchmark only.
 */
import { UNIFORM } from '../src/gpu/buffers.ts';
import { GRAD_ADAM_WG } from '../src/gpu/kernels/grad-adam.wgsl.ts';
import { softmaxCeKernel } from '../src/gpu/kernels/softmax-ce.wgsl.ts';
import { type Forward, HeadGpu } from '../src/train/head-gpu.ts';
import type { Op, OpFactory } from '../src/train/ops.ts';
import {
  gradAdamBiasKernel,
  gradAdamW4Kernel,
  smallKKernel,
  smallKWorkgroups,
  softmaxCeRowsKernel,
  xwtKernel,
  xwtWorkgroups,
} from './kernel-candidates.ts';

interface Layer {
  R: number;
  Cin: number;
  w: GPUBuffer;
  b: GPUBuffer;
  mw: GPUBuffer;
  mb: GPUBuffer;
}

/** What the patched methods need from a HeadGpu (its factory is private: reached by name, benchmark only). */
interface HeadInternals {
  f: OpFactory;
  layers: Layer[];
}

type Methods = Pick<HeadGpu, 'forward' | 'update' | 'inputGrad'>;

const applies = (h: HeadInternals) => h.layers.length === 1 && h.layers[0].Cin % 4 === 0;

function dims(f: OpFactory, M: number, N: number, K: number): GPUBuffer {
  const buf = f.gpu.upload(new Uint32Array([M, N, K, 0]), UNIFORM, 'cand.dims');
  (f as unknown as { owned: GPUBuffer[] }).owned.push(buf); // released with the factory
  return buf;
}

/** Swap the linear head's kernels for the candidates; returns a function that restores the originals. */
export function installCandidateHead(): () => void {
  const ce = { label: softmaxCeKernel.label, body: softmaxCeKernel.body };
  softmaxCeKernel.label = softmaxCeRowsKernel.label;
  softmaxCeKernel.body = softmaxCeRowsKernel.body;
  const proto = HeadGpu.prototype as unknown as Methods;
  const orig: Methods = { forward: proto.forward, update: proto.update, inputGrad: proto.inputGrad };

  proto.forward = async function (this: HeadGpu, x: GPUBuffer, rows: number): Promise<Forward> {
    const h = this as unknown as HeadInternals;
    if (!applies(h)) return orig.forward.call(this, x, rows);
    const [l] = h.layers;
    const logits = h.f.buffer(4 * rows * l.R, 'head.z0');
    const op = await h.f.op(
      xwtKernel,
      { a: x, b: l.w, c: logits, dims: dims(h.f, rows, l.R, l.Cin) },
      xwtWorkgroups(rows, l.R),
    );
    return { ops: [op], logits, rows };
  };

  proto.update = async function (this: HeadGpu, x: GPUBuffer, fwd: Forward, dz: GPUBuffer): Promise<Op[]> {
    const h = this as unknown as HeadInternals;
    if (!applies(h)) return orig.update.call(this, x, fwd, dz);
    const [l] = h.layers;
    const bufs = {
      w: l.w,
      b: l.b,
      mw: l.mw,
      mb: l.mb,
      g: dz,
      inp: x,
      shape: h.f.shape({ B: fwd.rows, R: l.R, Cin: l.Cin }),
    };
    return [
      await h.f.op(gradAdamW4Kernel, bufs, Math.ceil((Math.ceil(l.R / 4) * (l.Cin / 4)) / GRAD_ADAM_WG)),
      await h.f.op(gradAdamBiasKernel, bufs, Math.ceil(l.R / GRAD_ADAM_WG)),
    ];
  };

  proto.inputGrad = async function (
    this: HeadGpu,
    fwd: Forward,
    dz: GPUBuffer,
  ): Promise<{ ops: Op[]; grad: GPUBuffer }> {
    const h = this as unknown as HeadInternals;
    if (!applies(h)) return orig.inputGrad.call(this, fwd, dz);
    const [l] = h.layers;
    const gx = h.f.buffer(4 * fwd.rows * l.Cin, 'head.gx');
    const op = await h.f.op(
      smallKKernel,
      { a: dz, b: l.w, c: gx, dims: dims(h.f, fwd.rows, l.Cin, l.R) },
      smallKWorkgroups(fwd.rows, l.Cin),
    );
    return { ops: [op], grad: gx };
  };

  return () => {
    softmaxCeKernel.label = ce.label;
    softmaxCeKernel.body = ce.body;
    proto.forward = orig.forward;
    proto.update = orig.update;
    proto.inputGrad = orig.inputGrad;
  };
}

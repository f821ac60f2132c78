/**
 * Head parameters and their seeded initialisation (PyTorch nn.Linear default: W, b ~ U(±1/√fan_in)),
 * shared by the GPU engine and the CPU reference so both start from the same numbers.
 */
import { Rng } from '../core/rng.ts';
import type { HeadKind } from './config.ts';

/** One dense layer: out = in · Wᵀ + b, W is R×Cin row-major. */
export interface DenseParams {
  R: number;
  Cin: number;
  w: Float32Array;
  b: Float32Array;
}

/** Layer shapes of a head: linear = [C×D]; mlp = [H×D] (ReLU) then [C×H]. */
export function headShapes(
  kind: HeadKind,
  D: number,
  C: number,
  hidden: number,
): { R: number; Cin: number }[] {
  return kind === 'linear'
    ? [{ R: C, Cin: D }]
    : [
        { R: hidden, Cin: D },
        { R: C, Cin: hidden },
      ];
}

export function initHead(
  kind: HeadKind,
  D: number,
  C: number,
  hidden: number,
  seed: number,
  label: string,
): DenseParams[] {
  const rng = new Rng(seed).fork(`head:${label}`);
  return headShapes(kind, D, C, hidden).map(({ R, Cin }) => {
    const bound = 1 / Math.sqrt(Cin);
    const u = () => (2 * rng.next() - 1) * bound;
    return { R, Cin, w: Float32Array.from({ length: R * Cin }, u), b: Float32Array.from({ length: R }, u) };
  });
}

/**
 * GPU test cases are plain async functions of a `Gpu`, so the same bodies run on every WebGPU we have:
 * Deno on lavapipe (test/gpu/deno.test.ts) and Chromium on SwiftShader (test/e2e/gpu-harness).
 */
import type { Gpu } from '../../src/gpu/device.ts';

export interface GpuCase {
  name: string;
  run(gpu: Gpu, log: (msg: string) => void): Promise<void>;
}

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

/**
 * Elementwise closeness against a float64 oracle: |got − want| ≤ atol + rtol·scale_i, where scale_i is
 * the magnitude the value was built from (e.g. Σ|a||b| for a dot product) or |want| when not given.
 * Returns the worst relative error for the log.
 */
export function assertClose(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-7, scale }: { rtol?: number; atol?: number; scale?: ArrayLike<number> } = {},
): number {
  assert(got.length === want.length, `${what}: length ${got.length} != ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const s = scale ? scale[i] : Math.abs(want[i]);
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= atol + rtol * s)) {
      throw new AssertionError(
        `${what}: element ${i}: got ${got[i]}, want ${want[i]} (|err| ${err.toExponential(2)}, tol ${(atol + rtol * s).toExponential(2)})`,
      );
    }
    worst = Math.max(worst, err / Math.max(s, 1e-30));
  }
  return worst;
}

/** A fresh seed per run (printed, so a failure can be replayed with GPU_TEST_SEED). */
export function freshSeed(): number {
  const env = (globalThis as { Deno?: { env: { get(k: string): string | undefined } } }).Deno?.env.get(
    'GPU_TEST_SEED',
  );
  if (env) return Number(env) >>> 0;
  const u = new Uint32Array(1);
  crypto.getRandomValues(u);
  return u[0];
}

/**
 * Central finite differences of a piecewise-smooth float64 loss (an MLP head's ReLU has kinks), shared by
 * the reference's gradient tests (test/unit) and the GPU's (test/gpu).
 */

export interface KinkAwareDiff {
  /** Steps to try, largest first. */
  steps?: readonly number[];
  /**
   * How far the one-sided slopes may disagree. A kink inside the step makes them differ by the jump in
   * slope, and the central difference is then off by up to half of it: pass twice the check's tolerance.
   */
  agree: number;
}

/**
 * ∂f/∂p at p = `at` (`set` moves p; p is back at `at` afterwards). Where a kink lies within the step the
 * step shrinks; a parameter that sits on a kink even at the smallest step has no derivative: null.
 */
export function kinkAwareDiff(
  f: () => number,
  set: (v: number) => void,
  at: number,
  { steps = [1e-5, 1e-6, 1e-7], agree }: KinkAwareDiff,
): number | null {
  const mid = f();
  for (const h of steps) {
    set(at + h);
    const up = f();
    set(at - h);
    const down = f();
    set(at);
    if (Math.abs((up - mid) / h - (mid - down) / h) <= agree) return (up - down) / (2 * h);
  }
  return null;
}

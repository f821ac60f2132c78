/**
 * Tail probabilities of the normal, χ² and F distributions, in float64, for the tests of stats.ts.
 * Built on the regularized incomplete gamma and beta functions (series + modified-Lentz continued
 * fractions, Numerical Recipes §6.2, §6.4) so upper tails are computed directly: 1 − cdf would round to 0
 * (or to the 1e-16 floor) for the tiny p-values a strong method produces.
 */

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/** Lanczos coefficients (g = 7, n = 9); |relative error| < 2e-15 for x > 0. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`gammaQ: need a > 0 and x >= 0, got a=${a}, x=${x}`);
  if (x === 0) return 1;
  const lead = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) return 1 - Math.exp(lead) * gammaSeries(a, x);
  return Math.exp(lead) * gammaFraction(a, x);
}

/** Σ x^n / (a(a+1)…(a+n)): P(a, x) = e^lead · this. */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) return sum;
  }
  throw new Error(`gammaQ: series did not converge for a=${a}, x=${x}`);
}

/** Continued fraction for Γ(a, x) e^x x^-a (modified Lentz). */
function gammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`gammaQ: continued fraction did not converge for a=${a}, x=${x}`);
}

/** Regularized incomplete beta I_x(a, b). */
export function betaI(a: number, b: number, x: number): number {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1))
    throw new RangeError(`betaI: need a, b > 0 and 0 <= x <= 1, got a=${a}, b=${b}, x=${x}`);
  if (x === 0 || x === 1) return x;
  const lead = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
  if (x < (a + 1) / (a + b + 2)) return (lead * betaFraction(a, b, x)) / a;
  return 1 - (lead * betaFraction(b, a, 1 - x)) / b;
}

function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`betaI: continued fraction did not converge for a=${a}, b=${b}, x=${x}`);
}

/** P(Z > z) for a standard normal Z: erfc(z/√2)/2, with erfc(t) = Q(1/2, t²) for t ≥ 0. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalSf(-z);
  return 0.5 * gammaQ(0.5, (z * z) / 2);
}

/** Two-sided p-value of a z statistic: P(|Z| ≥ |z|). */
export function normalTwoSided(z: number): number {
  return gammaQ(0.5, (z * z) / 2);
}

/** P(X > x) for X ~ χ²(df). */
export function chi2Sf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** P(X > x) for X ~ F(d1, d2). */
export function fSf(x: number, d1: number, d2: number): number {
  if (x <= 0) return 1;
  return betaI(d2 / 2, d1 / 2, d2 / (d2 + d1 * x));
}

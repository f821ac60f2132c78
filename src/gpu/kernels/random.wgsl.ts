/**
 * Counter-based random numbers in WGSL. Mirrors `pcgHash` / `uniformOpen` in src/core/rng.ts bit for bit,
 * so the float64 CPU oracle replays the GPU's draws exactly.
 */
export const RANDOM_WGSL = /* wgsl */ `
fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in the open interval (0, 1): 23 bits plus half a step, exact in f32, never 0 or 1.
fn uniform_open(seed: u32, stream: u32, index: u32) -> f32 {
  let h = pcg_hash(pcg_hash(pcg_hash(seed) ^ stream) ^ index);
  return (f32(h >> 9u) + 0.5) / 8388608.0;
}

// −log(u) on (0, 1) to f32 precision. WGSL bounds log only by an absolute 2^-21 on [0.5, 2]: near u = 1,
// where −log(u) is tiny, that is a large relative error, which the outer log turns into an absolute one in
// the Gumbel noise (lavapipe: g = 16.09 for 16.64 at the grid's top). There −log(u) = 2·atanh(t) with
// t = (1 − u)/(1 + u) ≤ 1/3 (1 − u is exact), summed to t¹⁵: the next term is below 2^-24 of the sum.
fn neg_log_unit(u: f32) -> f32 {
  if (u < 0.5) {
    return -log(u);
  }
  let t = (1.0 - u) / (1.0 + u);
  let t2 = t * t;
  let odd = 1.0 / 13.0 + t2 / 15.0;
  let s = 1.0 + t2 * (1.0 / 3.0 + t2 * (0.2 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0 + t2 * (1.0 / 11.0 + t2 * odd)))));
  return 2.0 * t * s;
}

fn gumbel(u: f32) -> f32 {
  return -log(neg_log_unit(u));
}
`;

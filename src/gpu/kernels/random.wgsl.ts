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

fn gumbel(u: f32) -> f32 {
  return -log(-log(u));
}
`;

/**
 * Per-pixel helpers of the augmentation kernel (augment.wgsl.ts), each the WGSL form of the Pillow code
 * restated in reference.ts. Pixels are u32 RGBA8 (R in the low byte). `src`, `coef`, `dims` are the kernel's
 * bindings; `base` is the first pixel of the image being processed.
 */
export const AUGMENT_PIXEL_WGSL = /* wgsl */ `
fn channel(v: u32, c: u32) -> u32 { return (v >> (8u * c)) & 255u; }
fn unpack(v: u32) -> vec4<u32> { return vec4<u32>(v & 255u, (v >> 8u) & 255u, (v >> 16u) & 255u, v >> 24u); }
fn pack(p: vec4<u32>) -> u32 { return p.x | (p.y << 8u) | (p.z << 16u) | (p.w << 24u); }

// Pillow's RGB -> L.
fn luma(r: u32, g: u32, b: u32) -> u32 { return (r * 19595u + g * 38470u + b * 7471u + 32768u) >> 16u; }

// Image.blend(degenerate, img, f): (UINT8)(d + f * (x - d)), clipped when extrapolating.
fn blend1(d: u32, x: u32, f: f32) -> u32 {
  let t = f32(d) + f * (f32(x) - f32(d));
  return u32(clamp(trunc(t), 0.0, 255.0));
}

fn blend_rgb(deg: vec3<u32>, v: u32, f: f32) -> u32 {
  let p = unpack(v);
  return pack(vec4<u32>(blend1(deg.x, p.x, f), blend1(deg.y, p.y, f), blend1(deg.z, p.z, f), p.w));
}

// ImageFilter.SMOOTH (3x3, [1 1 1; 1 5 1; 1 1 1] / 13 in f32, rounded); border pixels are copied.
fn smooth3x3(base: u32, x: u32, y: u32, W: u32, H: u32) -> vec3<u32> {
  let centre = unpack(src[base + y * W + x]).xyz;
  if (x == 0u || y == 0u || x + 1u >= W || y + 1u >= H) { return centre; }
  let w1 = 1.0 / 13.0;
  let w5 = 5.0 / 13.0;
  var s = vec3<f32>(0.0);
  for (var dy = 0u; dy < 3u; dy++) {
    for (var dx = 0u; dx < 3u; dx++) {
      let p = vec3<f32>(unpack(src[base + (y + dy - 1u) * W + x + dx - 1u]).xyz);
      s += p * select(w1, w5, dx == 1u && dy == 1u);
    }
  }
  return vec3<u32>(clamp(floor(s + vec3<f32>(0.5)), vec3<f32>(0.0), vec3<f32>(255.0)));
}

// Pillow affine_fixed: 16.16 fixed point, nearest, fill 0. a = (a0, a1, a2, a3, a4, a5).
fn affine_px(base: u32, x: u32, y: u32, W: u32, H: u32, a0: i32, a1: i32, a2: i32, a3: i32, a4: i32, a5: i32) -> u32 {
  let xin = (a2 + i32(x) * a0 + i32(y) * a1) >> 16u;
  let yin = (a5 + i32(x) * a3 + i32(y) * a4) >> 16u;
  if (xin < 0 || yin < 0 || xin >= i32(W) || yin >= i32(H)) { return 0u; }
  return src[base + u32(yin) * W + u32(xin)];
}

// Pillow's 8-bit bilinear resampler on a crop: coef[off..] holds, per output column, (first source column,
// taps used, kx weights), then per output row (first source row, taps used, ky weights); 2^22 = 1.
fn crop_px(base: u32, x: u32, y: u32, W: u32, off: u32, kx: u32, ky: u32) -> u32 {
  let half = vec4<i32>(1 << 21u);
  let cx = off + x * (kx + 2u);
  let cy = off + W * (kx + 2u) + y * (ky + 2u);
  let x0 = u32(coef[cx]);
  let nx = u32(coef[cx + 1u]);
  let y0 = u32(coef[cy]);
  let ny = u32(coef[cy + 1u]);
  var v = half;
  for (var j = 0u; j < ny; j++) {
    var h = half;
    let row = base + (y0 + j) * W + x0;
    for (var i = 0u; i < nx; i++) { h += vec4<i32>(unpack(src[row + i])) * coef[cx + 2u + i]; }
    v += clamp(h >> vec4<u32>(22u), vec4<i32>(0), vec4<i32>(255)) * coef[cy + 2u + j];
  }
  return pack(vec4<u32>(clamp(v >> vec4<u32>(22u), vec4<i32>(0), vec4<i32>(255))));
}
`;

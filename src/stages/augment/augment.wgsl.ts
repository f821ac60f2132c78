/**
 * One augmentation op per image, batched: one workgroup per image (grid folded into 2-D past 65535), its op
 * and arguments in `ops` (OP_WORDS u32 per image, see encode.ts). Histogram ops (Contrast's mean,
 * AutoContrast, Equalize) reduce in workgroup memory with integer atomics; every barrier sits at the top
 * level, so an image whose op needs no statistics simply skips the work between them.
 */
import type { KernelSpec } from '../../gpu/kernel.ts';
import { AUGMENT_PIXEL_WGSL } from './augment-pixel.wgsl.ts';

export const OP_WORDS = 8;

/** Op codes shared with encode.ts. */
export const OP_CODE = {
  identity: 0,
  hflip: 1,
  affine: 2,
  brightness: 3,
  color: 4,
  contrast: 5,
  sharpness: 6,
  posterize: 7,
  solarize: 8,
  autocontrast: 9,
  equalize: 10,
  resizedCrop: 11,
} as const;

const WG = 256;

const consts = Object.entries(OP_CODE)
  .map(([k, v]) => `const OP_${k.toUpperCase()} = ${v}u;`)
  .join('\n');

export const augmentKernel: KernelSpec = {
  label: 'augment.op',
  structs: 'struct Dims { count: u32, width: u32, height: u32, pad: u32 }',
  bindings: [
    { name: 'src', kind: 'read', type: 'array<u32>' },
    { name: 'dst', kind: 'rw', type: 'array<u32>' },
    { name: 'ops', kind: 'read', type: 'array<u32>' },
    { name: 'coef', kind: 'read', type: 'array<i32>' },
    { name: 'dims', kind: 'uniform', type: 'Dims' },
  ],
  workgroupSize: [WG],
  body: /* wgsl */ `
${consts}
${AUGMENT_PIXEL_WGSL}

var<workgroup> hist: array<atomic<u32>, 768>;
var<workgroup> lsum: atomic<u32>;
var<workgroup> lut: array<u32, 768>;

fn build_lut(c: u32, op: u32) {
  var lo = 256u;
  var hi = 0u;
  var total = 0u;
  var last = 0u;
  var used = 0u;
  for (var i = 0u; i < 256u; i++) {
    let h = atomicLoad(&hist[c * 256u + i]);
    if (h > 0u) { lo = min(lo, i); hi = i; total += h; last = h; used += 1u; }
  }
  if (op == OP_AUTOCONTRAST) {
    // ImageOps.autocontrast, in exact integers (see reference.ts for Pillow's float64 rounding).
    for (var v = 0u; v < 256u; v++) {
      var m = v;
      if (hi > lo) { m = u32(clamp((i32(v) - i32(lo)) * 255 / i32(hi - lo), 0, 255)); }
      lut[c * 256u + v] = m;
    }
    return;
  }
  // ImageOps.equalize.
  let step = (total - last) / 256u;
  var n = step / 2u;
  for (var v = 0u; v < 256u; v++) {
    if (used <= 1u || step == 0u) { lut[c * 256u + v] = v; } else { lut[c * 256u + v] = min(255u, n / step); }
    n += atomicLoad(&hist[c * 256u + v]);
  }
}

fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let img = wid.x + wid.y * nwg.x;
  let live = img < dims.count;
  let W = dims.width;
  let H = dims.height;
  let npx = W * H;
  let base = min(img, dims.count - 1u) * npx;
  let o = min(img, dims.count - 1u) * ${OP_WORDS}u;
  let op = ops[o];

  for (var i = lid; i < 768u; i += ${WG}u) { atomicStore(&hist[i], 0u); }
  if (lid == 0u) { atomicStore(&lsum, 0u); }
  workgroupBarrier();

  if (live && (op == OP_CONTRAST || op == OP_AUTOCONTRAST || op == OP_EQUALIZE)) {
    for (var p = lid; p < npx; p += ${WG}u) {
      let px = unpack(src[base + p]);
      if (op == OP_CONTRAST) {
        atomicAdd(&lsum, luma(px.x, px.y, px.z));
      } else {
        atomicAdd(&hist[px.x], 1u);
        atomicAdd(&hist[256u + px.y], 1u);
        atomicAdd(&hist[512u + px.z], 1u);
      }
    }
  }
  workgroupBarrier();

  if (live && lid < 3u && (op == OP_AUTOCONTRAST || op == OP_EQUALIZE)) { build_lut(lid, op); }
  workgroupBarrier();

  if (!live) { return; } // after the last barrier: uniform per workgroup anyway
  let f = bitcast<f32>(ops[o + 1u]);
  let total = atomicLoad(&lsum);
  // ImageEnhance.Contrast: int(mean(L) + 0.5), in integers.
  let mean = total / npx + select(0u, 1u, 2u * (total % npx) >= npx);
  for (var p = lid; p < npx; p += ${WG}u) {
    let x = p % W;
    let y = p / W;
    let v = src[base + p];
    var out = v;
    switch op {
      case OP_HFLIP: { out = src[base + y * W + (W - 1u - x)]; }
      case OP_AFFINE: {
        out = affine_px(base, x, y, W, H, bitcast<i32>(ops[o + 1u]), bitcast<i32>(ops[o + 2u]),
          bitcast<i32>(ops[o + 3u]), bitcast<i32>(ops[o + 4u]), bitcast<i32>(ops[o + 5u]), bitcast<i32>(ops[o + 6u]));
      }
      case OP_BRIGHTNESS: { out = blend_rgb(vec3<u32>(0u), v, f); }
      case OP_COLOR: { let l = luma(channel(v, 0u), channel(v, 1u), channel(v, 2u)); out = blend_rgb(vec3<u32>(l), v, f); }
      case OP_CONTRAST: { out = blend_rgb(vec3<u32>(mean), v, f); }
      case OP_SHARPNESS: { out = blend_rgb(smooth3x3(base, x, y, W, H), v, f); }
      case OP_POSTERIZE: { let m = ops[o + 1u]; out = v & (m | (m << 8u) | (m << 16u) | 0xff000000u); }
      case OP_SOLARIZE: {
        var q = unpack(v);
        for (var c = 0u; c < 3u; c++) { if (f32(q[c]) >= f) { q[c] = 255u - q[c]; } }
        out = pack(q);
      }
      case OP_AUTOCONTRAST, OP_EQUALIZE: {
        let q = unpack(v);
        out = pack(vec4<u32>(lut[q.x], lut[256u + q.y], lut[512u + q.z], q.w));
      }
      case OP_RESIZEDCROP: { out = crop_px(base, x, y, W, ops[o + 1u], ops[o + 2u], ops[o + 3u]); }
      default: {}
    }
    dst[base + p] = out;
  }
}
`,
};

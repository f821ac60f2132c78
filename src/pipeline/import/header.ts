/**
 * What an image file claims to be, read from its first bytes only: format, stored width and height,
 * EXIF orientation, and whether it is visibly truncated. This runs BEFORE any decoder so a
 * 50 000 × 50 000 header, a text file named .jpg or a cut-off file is rejected without allocating
 * pixels (browsers decode truncated files into grey without an error, so truncation is checked here).
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface ImageHeader {
  format: ImageFormat;
  /** As stored, before EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (1 = as stored); JPEG and WebP with EXIF only. */
  orientation: number;
}

/** A header, or the reason the bytes are not a usable image. */
export type HeaderResult = ImageHeader | { reason: string };

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u32be = (b: Uint8Array, o: number) =>
  ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32le = (b: Uint8Array, o: number) => (u24le(b, o) | (b[o + 3] << 24)) >>> 0;
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

export function readHeader(b: Uint8Array): HeaderResult {
  if (b.length === 0) return { reason: 'empty file (0 bytes)' };
  if (b.length >= 8 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a) return png(b);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  return { reason: 'not a JPEG, PNG or WebP image (unrecognised content)' };
}

function png(b: Uint8Array): HeaderResult {
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') return { reason: 'truncated PNG (no IHDR header)' };
  // IEND's 12 bytes: length 0, 'IEND', its CRC; trailing bytes after it are tolerated.
  if (indexOf(b, [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], 33) < 0) {
    return { reason: 'truncated PNG (no IEND chunk)' };
  }
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20), orientation: 1 };
}

function jpeg(b: Uint8Array): HeaderResult {
  let o = 2;
  let orientation = 1;
  let size: { width: number; height: number } | undefined;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) return { reason: `corrupt JPEG (no marker at byte ${o})` };
    const m = b[o + 1];
    if (m === 0xff) {
      o++; // fill byte
      continue;
    }
    if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      o += 2;
      continue;
    }
    if (m === 0xd9) return { reason: 'corrupt JPEG (ends before any image data)' };
    const len = u16be(b, o + 2);
    if (len < 2 || o + 2 + len > b.length)
      return { reason: 'truncated JPEG (a header segment runs past the end)' };
    if (m === 0xe1 && ascii(b, o + 4, 4) === 'Exif')
      orientation = exifOrientation(b.subarray(o + 10, o + 2 + len));
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (len < 7) return { reason: 'corrupt JPEG (short frame header)' };
      size = { height: u16be(b, o + 5), width: u16be(b, o + 7) };
    }
    if (m === 0xda) {
      if (!size) return { reason: 'corrupt JPEG (image data before the frame header)' };
      // 0xFFD9 cannot occur inside entropy-coded data (0xFF is stuffed), so its absence means a cut-off file.
      if (indexOf(b, [0xff, 0xd9], o + 2 + len) < 0)
        return { reason: 'truncated JPEG (no end-of-image marker)' };
      return { format: 'jpeg', ...size, orientation };
    }
    o += 2 + len;
  }
  return { reason: 'truncated JPEG (ends inside its headers)' };
}

/** Orientation tag (0x0112) of IFD0 in a TIFF block; 1 when absent or malformed. */
export function exifOrientation(t: Uint8Array): number {
  if (t.length < 8) return 1;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const r16 = (o: number) => (le ? u16le(t, o) : u16be(t, o));
  const r32 = (o: number) => (le ? u32le(t, o) : u32be(t, o));
  const ifd = r32(4);
  if (ifd + 2 > t.length) return 1;
  const n = r16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) return 1;
    if (r16(e) === 0x0112) {
      const v = r16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

function webp(b: Uint8Array): HeaderResult {
  if (u32le(b, 4) + 8 > b.length) return { reason: 'truncated WebP (shorter than its RIFF size)' };
  let o = 12;
  let orientation = 1;
  let size: { width: number; height: number } | undefined;
  while (o + 8 <= b.length) {
    const id = ascii(b, o, 4);
    const len = u32le(b, o + 4);
    const d = o + 8;
    if (d + len > b.length) return { reason: `truncated WebP (chunk ${id} runs past the end)` };
    if (id === 'VP8X' && len >= 10) size = { width: u24le(b, d + 4) + 1, height: u24le(b, d + 7) + 1 };
    else if (id === 'VP8 ' && len >= 10 && !size)
      size = { width: u16le(b, d + 6) & 0x3fff, height: u16le(b, d + 8) & 0x3fff };
    else if (id === 'VP8L' && len >= 5 && !size) {
      const bits = u32le(b, d + 1);
      size = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    } else if (id === 'EXIF') {
      const t = b.subarray(d, d + len);
      orientation = exifOrientation(ascii(t, 0, 4) === 'Exif' ? t.subarray(6) : t);
    }
    o = d + len + (len & 1);
  }
  return size ? { format: 'webp', ...size, orientation } : { reason: 'corrupt WebP (no image chunk)' };
}

function indexOf(b: Uint8Array, pat: number[], from: number): number {
  outer: for (let i = b.length - pat.length; i >= from; i--) {
    for (let j = 0; j < pat.length; j++) if (b[i + j] !== pat[j]) continue outer;
    return i;
  }
  return -1;
}

/** Width and height as displayed: orientations 5–8 swap them. */
export function displaySize(h: ImageHeader): { width: number; height: number } {
  return h.orientation >= 5 ? { width: h.height, height: h.width } : { width: h.width, height: h.height };
}

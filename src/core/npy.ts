/**
 * NumPy .npy files (format versions 1.0, 2.0, 3.0), little-endian, C order only.
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * Reading returns a typed-array VIEW on the caller's bytes whenever the data offset is aligned (np.save
 * pads the header to 64 bytes, so it always is for a freshly read file): a feature bank can be
 * hundreds of MB and must not be copied. Only `<i8` labels are converted (to int32, range-checked).
 */
import { BadDatasetError } from './errors.ts';

export type NpyDtype = 'float32' | 'int32' | 'uint8';
export type NpyData = Float32Array | Int32Array | Uint8Array;

export interface NpyArray {
  /** Element type of `data` (after any conversion). */
  dtype: NpyDtype;
  /** The dtype string found in the file, e.g. '<f4' or '<i8'. */
  descr: string;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** numpy ≥1.23 leaves room after the header dict so the growth axis can reach 21 digits in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** Accepted descr → (output dtype, bytes per element in the file). */
const DESCRS: Record<string, { dtype: NpyDtype; size: number }> = {
  '<f4': { dtype: 'float32', size: 4 },
  '<i4': { dtype: 'int32', size: 4 },
  '<i8': { dtype: 'int32', size: 8 },
  '|u1': { dtype: 'uint8', size: 1 },
  '<u1': { dtype: 'uint8', size: 1 },
};

const HINTS: Record<string, string> = {
  '<f8': "save it as float32 (arr.astype('<f4'))",
  '<f2': "save it as float32 (arr.astype('<f4'))",
  '>f4': "big-endian data is not supported; save with arr.astype('<f4')",
  '>i4': "big-endian data is not supported; save with arr.astype('<i4')",
  '>i8': "big-endian data is not supported; save with arr.astype('<i4')",
};

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Parse a .npy file. `fileName` only names the file in errors. */
export function parseNpy(bytes: Uint8Array, fileName = 'array.npy'): NpyArray {
  const fail = (reason: string): never => {
    throw new BadDatasetError(fileName, reason);
  };
  if (!littleEndian) fail('this machine is big-endian; .npy reading supports little-endian hosts only');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail('not a NumPy .npy file (bad magic: expected the bytes \\x93NUMPY at the start)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3)
    fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pre = major === 1 ? 10 : 12;
  if (bytes.length < pre) fail(`file is truncated inside the header (${bytes.length} bytes)`);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = pre + hlen;
  if (bytes.length < dataStart) {
    fail(`file is truncated inside the header (${bytes.length} bytes, header says ${dataStart})`);
  }
  const headerBytes = bytes.subarray(pre, dataStart);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const { descr, fortran, shape } = parseHeader(header, fail);

  if (fortran && shape.filter((d) => d > 1).length > 1) {
    fail('fortran_order is True; only C-order arrays are supported (save with np.ascontiguousarray(arr))');
  }
  const info = DESCRS[descr];
  if (!info)
    fail(
      `unsupported dtype '${descr}'${HINTS[descr] ? `: ${HINTS[descr]}` : ' (supported: <f4, <i4, <i8, |u1)'}`,
    );
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * info.size;
  if (!Number.isSafeInteger(need)) fail(`shape (${shape.join(', ')}) is too large`);
  const have = bytes.length - dataStart;
  if (have !== need) {
    fail(
      `data length ${have} bytes but shape (${shape.join(', ')}) of ${descr} needs ${need} bytes` +
        (have < need ? ' (file truncated?)' : ''),
    );
  }
  const data = makeData(bytes, dataStart, count, info.dtype, descr, fail);
  return { dtype: info.dtype, descr, shape, data };
}

function parseHeader(header: string, fail: (r: string) => never) {
  const h = header.trim();
  if (!h.startsWith('{') || !h.endsWith('}')) fail(`header is not a Python dict literal: ${clip(h)}`);
  const d = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(h);
  if (!d) {
    const structured = /['"]descr['"]\s*:\s*\[/.test(h);
    fail(
      structured
        ? 'unsupported dtype (structured/record arrays are not supported)'
        : `header has no 'descr': ${clip(h)}`,
    );
  }
  const f = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(h);
  if (!f) fail(`header has no 'fortran_order': ${clip(h)}`);
  const s = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(h);
  if (!s) fail(`header has no 'shape' tuple: ${clip(h)}`);
  const parts = s![1]
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const shape = parts.map((p) => {
    const m = /^(\d+)L?$/.exec(p); // Python 2 wrote longs as 3L
    if (!m) fail(`bad shape entry '${p}' in header`);
    return Number(m![1]);
  });
  return { descr: d![2], fortran: f![1] === 'True', shape };
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function makeData(
  bytes: Uint8Array,
  start: number,
  count: number,
  dtype: NpyDtype,
  descr: string,
  fail: (r: string) => never,
): NpyData {
  const off = bytes.byteOffset + start;
  if (descr === '<i8') {
    // Labels saved from int64 arrays (numpy's default int): convert, refusing values int32 cannot hold.
    const src = new DataView(bytes.buffer, off, count * 8);
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = src.getBigInt64(i * 8, true);
      if (v < -2147483648n || v > 2147483647n) fail(`value ${v} at flat index ${i} does not fit in int32`);
      out[i] = Number(v);
    }
    return out;
  }
  if (dtype === 'uint8') return bytes.subarray(start, start + count);
  // Misaligned (e.g. the bytes were sliced out of a larger buffer): one aligned copy is unavoidable.
  const aligned = off % 4 === 0;
  const buf = aligned ? bytes.buffer : bytes.slice(start, start + count * 4).buffer;
  const at = aligned ? off : 0;
  return dtype === 'float32' ? new Float32Array(buf, at, count) : new Int32Array(buf, at, count);
}

function descrOf(data: NpyData): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint8Array) return '|u1';
  throw new TypeError('writeNpy: only Float32Array, Int32Array and Uint8Array can be written');
}

/**
 * The .npy header (magic, version, length, dict, padding) for `data` of this shape, exactly as
 * numpy ≥1.23 writes it. Write it followed by the data's bytes; see `writeNpy`.
 */
export function npyHeader(data: NpyData, shape: readonly number[]): Uint8Array {
  const descr = descrOf(data);
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || count !== data.length) {
    throw new RangeError(`writeNpy: shape (${shape.join(', ')}) does not match ${data.length} elements`);
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // numpy pads with 1..64 spaces so that magic + length + dict + '\n' is a multiple of 64.
  const wrap = (pre: number) => {
    const hlen = dict.length + 1;
    const pad = ALIGN - ((pre + hlen) % ALIGN);
    return `${dict}${' '.repeat(pad)}\n`;
  };
  let text = wrap(10);
  const v1 = text.length < 65536;
  if (!v1) text = wrap(12);
  const pre = v1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length);
  out.set(MAGIC);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (v1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[pre + i] = text.charCodeAt(i); // ASCII only
  return out;
}

/** A complete .npy file (header + a copy of the data). For huge arrays write npyHeader + the data's bytes. */
export function writeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  if (!littleEndian) throw new Error('writeNpy: big-endian hosts are not supported');
  const header = npyHeader(data, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

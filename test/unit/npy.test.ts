import { describe, expect, it } from 'vitest';
import { BadDatasetError } from '../../src/core/errors.ts';
import { npyHeader, parseNpy, writeNpy } from '../../src/core/npy.ts';

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => Number.parseInt(b, 16));
const bytesOf = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A v1.0 file by hand: magic, version, u16 little-endian header length, header text, data. */
function v1(header: string, data: Uint8Array): Uint8Array {
  return concat(
    latin1('\x93NUMPY\x01\x00'),
    Uint8Array.of(header.length & 255, header.length >> 8),
    latin1(header),
    data,
  );
}

function expectBad(fn: () => unknown, words: RegExp, file = 'x.npy') {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BadDatasetError);
    expect((e as BadDatasetError).file).toBe(file);
    expect((e as BadDatasetError).reason).toMatch(words);
    return;
  }
  throw new Error('expected a BadDatasetError');
}

// The NPY spec: the header dict, padded with spaces and a final '\n' so magic(6) + version(2) +
// length(2) + header is a multiple of 64; here 10 + 118 = 128.
const F32_HEADER = `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(58)}\n`;
const F32_DATA = Float32Array.of(1, 2, 3, 4, 5, 6);

describe('npy golden bytes', () => {
  it('writes a 2×3 float32 array exactly as the spec lays it out', () => {
    expect(F32_HEADER.length).toBe(118);
    const want = v1(F32_HEADER, bytesOf(F32_DATA));
    expect(want.length).toBe(128 + 24);
    expect(writeNpy(F32_DATA, [2, 3])).toEqual(want);
  });

  it('matches the bytes numpy 2.4 writes', () => {
    // python3 -c "import numpy as np,io; b=io.BytesIO(); np.save(b, np.array([[1,2,3],[4,5,6]],'<f4')); print(b.getvalue().hex())"
    const f32 =
      '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d' +
      `${'20'.repeat(58)}0a0000803f0000004000004040000080400000a0400000c040`;
    expect(writeNpy(F32_DATA, [2, 3])).toEqual(hex(f32));
    // same for np.array([7, -1], '<i4'): a 1-d shape is written '(2,)'
    const i32 =
      '934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d' +
      `${'20'.repeat(60)}0a07000000ffffffff`;
    expect(writeNpy(Int32Array.of(7, -1), [2])).toEqual(hex(i32));
  });

  it('parses the golden bytes to a view, not a copy', () => {
    const file = v1(F32_HEADER, bytesOf(F32_DATA));
    const a = parseNpy(file, 'x.npy');
    expect(a).toMatchObject({ dtype: 'float32', descr: '<f4', shape: [2, 3] });
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.data.buffer).toBe(file.buffer);
  });
});

describe('npy round trip', () => {
  it.each([
    ['float32', new Float32Array([0.5, -1e30, 3.25, Number.MIN_VALUE, 7, 8]), [3, 2]],
    ['int32', Int32Array.of(-2147483648, 2147483647, 0, 5), [4]],
    ['uint8', Uint8Array.of(0, 255, 17, 3, 9, 1, 2, 4), [2, 2, 2]],
    ['empty', new Float32Array(0), [0, 3]],
    ['scalar', Float32Array.of(2.5), []],
    ['rank 4', Float32Array.from({ length: 2 * 3 * 2 * 5 }, (_, i) => i / 7), [2, 3, 2, 5]],
  ] as const)('%s', (_, data, shape) => {
    const bytes = writeNpy(data, shape);
    expect(npyHeader(data, shape).length % 64).toBe(0);
    const a = parseNpy(bytes);
    expect(a.shape).toEqual([...shape]);
    expect(a.data.constructor).toBe(data.constructor);
    expect(Array.from(a.data)).toEqual(Array.from(data));
  });

  it('copies into aligned memory when the data offset is misaligned', () => {
    const file = writeNpy(F32_DATA, [6]);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const a = parseNpy(shifted.subarray(1));
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads <i8 labels as int32', () => {
    const data = new BigInt64Array([0n, 9n, -3n]);
    const header = `{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }`.padEnd(117) + '\n';
    const a = parseNpy(v1(header, new Uint8Array(data.buffer)));
    expect(a.dtype).toBe('int32');
    expect(a.descr).toBe('<i8');
    expect(a.data).toEqual(Int32Array.of(0, 9, -3));
  });

  it('reads format 2.0 (u32 header length) and 3.0 (utf-8 header), and Python 2 long shapes', () => {
    const h = `{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }`.padEnd(115) + '\n';
    const len = Uint8Array.of(h.length, 0, 0, 0);
    const data = bytesOf(Int32Array.of(4, 5));
    for (const major of [2, 3]) {
      const file = concat(latin1(`\x93NUMPY${String.fromCharCode(major)}\x00`), len, latin1(h), data);
      expect(Array.from(parseNpy(file).data)).toEqual([4, 5]);
    }
  });

  it('accepts fortran_order True when at most one axis is longer than 1 (same bytes as C order)', () => {
    const h = `{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }`.padEnd(117) + '\n';
    expect(Array.from(parseNpy(v1(h, bytesOf(Float32Array.of(1, 2, 3)))).data)).toEqual([1, 2, 3]);
  });
});

describe('npy errors name the file and the reason', () => {
  const hdr = (descr: string, shape: string, fortran = 'False') =>
    `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`.padEnd(117) + '\n';

  it('bad magic', () => {
    expectBad(() => parseNpy(latin1('PK\x03\x04 this is a zip file'), 'x.npy'), /bad magic/);
    expectBad(() => parseNpy(new Uint8Array(0), 'x.npy'), /bad magic/);
  });

  it('unsupported version', () => {
    const f = v1(hdr('<f4', '(1,)'), new Uint8Array(4));
    f[6] = 4;
    expectBad(() => parseNpy(f, 'x.npy'), /version 4\.0/);
  });

  it('truncated header', () => {
    expectBad(
      () => parseNpy(v1(hdr('<f4', '(1,)'), new Uint8Array(4)).subarray(0, 50), 'x.npy'),
      /truncated inside the header/,
    );
  });

  it.each([
    ['<f8', /unsupported dtype '<f8'.*astype\('<f4'\)/],
    ['>f4', /unsupported dtype '>f4'.*big-endian/],
    ['<c8', /unsupported dtype '<c8' \(supported: <f4, <i4, <i8, \|u1\)/],
  ])('unsupported dtype %s', (descr, words) => {
    expectBad(() => parseNpy(v1(hdr(descr, '(1,)'), new Uint8Array(8)), 'x.npy'), words);
  });

  it('structured dtype', () => {
    const h = `{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }`.padEnd(117) + '\n';
    expectBad(() => parseNpy(v1(h, new Uint8Array(4)), 'x.npy'), /structured/);
  });

  it('fortran order', () => {
    expectBad(
      () => parseNpy(v1(hdr('<f4', '(2, 3)', 'True'), new Uint8Array(24)), 'x.npy'),
      /fortran_order is True/,
    );
  });

  it('data length does not match the shape', () => {
    expectBad(
      () => parseNpy(v1(hdr('<f4', '(2, 3)'), new Uint8Array(20)), 'x.npy'),
      /data length 20 bytes but shape \(2, 3\) of <f4 needs 24 bytes \(file truncated\?\)/,
    );
    expectBad(
      () => parseNpy(v1(hdr('<i4', '(2,)'), new Uint8Array(12)), 'x.npy'),
      /data length 12 bytes .* needs 8 bytes$/,
    );
  });

  it('malformed header', () => {
    expectBad(
      () => parseNpy(v1('not a dict'.padEnd(117) + '\n', new Uint8Array(0)), 'x.npy'),
      /not a Python dict/,
    );
    expectBad(() => parseNpy(v1(hdr('<f4', '(2, x)'), new Uint8Array(8)), 'x.npy'), /bad shape entry 'x'/);
    const noShape = `{'descr': '<f4', 'fortran_order': False, }`.padEnd(117) + '\n';
    expectBad(() => parseNpy(v1(noShape, new Uint8Array(4)), 'x.npy'), /no 'shape'/);
  });

  it('<i8 value that does not fit in int32', () => {
    const data = new BigInt64Array([1n, 2n ** 40n]);
    expectBad(
      () => parseNpy(v1(hdr('<i8', '(2,)'), new Uint8Array(data.buffer)), 'x.npy'),
      /value 1099511627776 at flat index 1/,
    );
  });

  it('writeNpy refuses a shape that does not match the data', () => {
    expect(() => writeNpy(new Float32Array(5), [2, 3])).toThrow(/does not match 5 elements/);
  });
});

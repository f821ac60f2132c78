/**
 * Just enough protobuf to grow one initializer of an ONNX model by appending rows, without a
 * protobuf library in the app bundle: walk ModelProto.graph (field 7) → GraphProto.initializer
 * (field 5) → TensorProto, rebuild that one tensor (dims, data_type, name, raw_data), and splice
 * the new bytes back, re-writing the two enclosing length prefixes. Every other byte is kept.
 */
import { ConfigError } from '../../core/errors.ts';
import { fromHalf, toHalf } from '../../core/fp16.ts';
import { concat } from '../../models/store.ts';
import { type Field, fields, lenField, putVarint, splice, varint } from './protobuf.ts';

const FLOAT = 1;
const FLOAT16 = 10;

export interface Matrix {
  rows: number;
  cols: number;
  /** float32 values, row-major. */
  data: Float32Array;
  dtype: 'float32' | 'float16';
}

function packedVarints(b: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  let p = from;
  while (p < to) {
    let v: number;
    [v, p] = varint(b, p);
    out.push(v);
  }
  return out;
}

/** Reads a 2-D float initializer (raw_data, float_data, or fp16 halves in int32_data). */
function readTensor(b: Uint8Array, f: Field): Matrix & { name: string } {
  let name = '';
  let dims: number[] = [];
  let type = 0;
  let raw: Uint8Array | undefined;
  const floats: number[] = [];
  let halves: number[] = [];
  let external = false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const g of fields(b, f.body, f.end)) {
    if (g.no === 1)
      dims = dims.concat(g.wire === 0 ? [varint(b, g.body)[0]] : packedVarints(b, g.body, g.end));
    else if (g.no === 2) type = varint(b, g.body)[0];
    else if (g.no === 8) name = new TextDecoder().decode(b.subarray(g.body, g.end));
    else if (g.no === 9) raw = b.subarray(g.body, g.end);
    else if (g.no === 4 && g.wire === 2)
      for (let p = g.body; p < g.end; p += 4) floats.push(dv.getFloat32(p, true));
    else if (g.no === 4 && g.wire === 5) floats.push(dv.getFloat32(g.body, true));
    else if (g.no === 5)
      halves = halves.concat(g.wire === 0 ? [varint(b, g.body)[0]] : packedVarints(b, g.body, g.end));
    else if (g.no === 14) external = varint(b, g.body)[0] === 1;
  }
  if (external) {
    throw new ConfigError(
      `ONNX edit: initializer '${name}' is stored as external data; merge it into the .onnx file first.`,
    );
  }
  if (dims.length !== 2)
    throw new ConfigError(`ONNX edit: initializer '${name}' is ${dims.length}-D, expected [vocab, dim].`);
  if (type !== FLOAT && type !== FLOAT16) {
    throw new ConfigError(
      `ONNX edit: initializer '${name}' has data type ${type}; only float32 and float16 are supported.`,
    );
  }
  const [rows, cols] = dims;
  let data: Float32Array;
  if (type === FLOAT) {
    data = raw ? new Float32Array(new Uint8Array(raw).buffer) : Float32Array.from(floats);
  } else {
    data = fromHalf(raw ? new Uint16Array(new Uint8Array(raw).buffer) : Uint16Array.from(halves));
  }
  if (data.length !== rows * cols)
    throw new ConfigError(
      `ONNX edit: initializer '${name}' holds ${data.length} values, not ${rows}×${cols}.`,
    );
  return { name, rows, cols, data, dtype: type === FLOAT ? 'float32' : 'float16' };
}

function writeTensor(name: string, m: Matrix): Uint8Array {
  const dims = [...putVarint(m.rows), ...putVarint(m.cols)];
  const bytes =
    m.dtype === 'float32' ? new Uint8Array(m.data.slice().buffer) : new Uint8Array(toHalf(m.data).buffer);
  const parts = [
    lenField(1, Uint8Array.from(dims)),
    Uint8Array.from([2 << 3, m.dtype === 'float32' ? FLOAT : FLOAT16]),
    lenField(8, new TextEncoder().encode(name)),
    lenField(9, bytes),
  ];
  return concat(parts);
}

function findInitializer(model: Uint8Array, name: string) {
  const graph = fields(model).find((f) => f.no === 7 && f.wire === 2);
  if (!graph) throw new ConfigError('ONNX edit: the file has no graph; is it an ONNX model?');
  for (const f of fields(model, graph.body, graph.end)) {
    if (f.no !== 5 || f.wire !== 2) continue;
    const nameField = fields(model, f.body, f.end).find((g) => g.no === 8);
    if (nameField && new TextDecoder().decode(model.subarray(nameField.body, nameField.end)) === name) {
      return { graph, tensor: f };
    }
  }
  throw new ConfigError(
    `ONNX edit: the text encoder has no initializer '${name}' (optimised exports may rename or fuse it); use an unoptimised export.`,
  );
}

/** The initializer `name` as a float32 matrix. */
export function readInitializer(model: Uint8Array, name: string): Matrix {
  const { tensor } = findInitializer(model, name);
  return readTensor(model, tensor);
}

/** A copy of `model` whose initializer `name` is replaced by `m` (same name, m's dtype). */
export function replaceInitializer(model: Uint8Array, name: string, m: Matrix): Uint8Array {
  const { graph, tensor } = findInitializer(model, name);
  const newGraph = splice(
    model.subarray(graph.body, graph.end),
    tensor.start - graph.body,
    tensor.end - graph.body,
    lenField(5, writeTensor(name, m)),
  );
  return splice(model, graph.start, graph.end, lenField(7, newGraph));
}

/**
 * Plain tensor values that cross the ONNX Runtime boundary. Stages, workers and tests speak these,
 * never onnxruntime-web's own classes, so nothing outside src/ort depends on the runtime's API and a
 * tensor can be posted to a worker as it is (its buffer transferred).
 */

/** The element types our models use (ONNX names as onnxruntime-web spells them). */
export type DType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';
export const DTYPES: readonly DType[] = ['float32', 'float16', 'int64', 'int32', 'bool', 'uint8'];

/** float16 travels as raw IEEE half bits in a Uint16Array; bool as 0/1 bytes. */
export interface DataOf {
  float32: Float32Array;
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  bool: Uint8Array;
  uint8: Uint8Array;
}

export interface TensorData<T extends DType = DType> {
  type: T;
  data: DataOf[T];
  dims: readonly number[];
}

/** A dimension as a graph declares it: a number, or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

/** An input or output as a manifest states it and as the loaded graph reports it. */
export interface ValueSpec {
  name: string;
  dtype: DType;
  shape: readonly Dim[];
}

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function tensor<T extends DType>(type: T, data: DataOf[T], dims: readonly number[]): TensorData<T> {
  if (data.length !== elementCount(dims)) {
    throw new RangeError(`tensor: ${data.length} values do not fill dims [${dims.join(', ')}]`);
  }
  return { type, data, dims: [...dims] };
}

/** int64 tensor from plain numbers (token ids, masks, positions). */
export function int64(values: ArrayLike<number>, dims: readonly number[]): TensorData<'int64'> {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return tensor('int64', data, dims);
}

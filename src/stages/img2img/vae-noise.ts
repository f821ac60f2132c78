/**
 * Seeded VAE-encoder sampling. The SD exports' VAE encoders return a posterior *sample*
 * (`DiagonalGaussianDistribution.sample()`): torch.onnx turns its `torch.randn(mean.shape)` into
 * RandomNormalLike (dynamic axes) or RandomNormal (static shape), without a seed, so ONNX Runtime
 * draws the noise and our seed cannot fix the candidate. This edit replaces that one node by an
 * Identity of a new graph input, `vae_noise` (the node's element type), which Img2Img fills from
 * `Rng(seed).fork('vae')`. Graphs without a random node (`latent_parameters` exports, graphs edited
 * before) come back as they were; a graph with noise this edit cannot take over is refused by name.
 */
import { ConfigError } from '../../core/errors.ts';
import { concat } from '../../models/store.ts';
import type { Signature } from '../../ort/signature.ts';
import type { Dim, ValueSpec } from '../../ort/types.ts';
import {
  type Field,
  fields,
  inner,
  lenField,
  packedUints,
  splice,
  strField,
  text,
  uint,
  uintField,
} from './protobuf.ts';

export const VAE_NOISE = 'vae_noise';
/** Every SD v1.x / v2.x VAE config says `latent_channels: 4`; used when the graph leaves it symbolic. */
const LATENT_CHANNELS = 4;

const NORMAL = new Set(['RandomNormal', 'RandomNormalLike']);
const OTHER_RANDOM = new Set(['RandomUniform', 'RandomUniformLike', 'Bernoulli', 'Multinomial']);
const ELEM: Record<number, 'float32' | 'float16'> = { 1: 'float32', 10: 'float16' };
const ELEM_CODE = { float32: 1, float16: 10 } as const;

interface Node {
  field: Field;
  op: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Field>;
}

function readNode(b: Uint8Array, f: Field): Node {
  const n: Node = { field: f, op: '', domain: '', name: '', inputs: [], outputs: [], attrs: new Map() };
  for (const g of inner(b, f)) {
    if (g.no === 1) n.inputs.push(text(b, g));
    else if (g.no === 2) n.outputs.push(text(b, g));
    else if (g.no === 3) n.name = text(b, g);
    else if (g.no === 4) n.op = text(b, g);
    else if (g.no === 7) n.domain = text(b, g);
    else if (g.no === 5) {
      const name = inner(b, g).find((a) => a.no === 1);
      if (name) n.attrs.set(text(b, name), g);
    }
  }
  return n;
}

const isOnnx = (n: Node) => n.domain === '' || n.domain === 'ai.onnx';

/** AttributeProto fields: f (2, float), i (3), t (5, tensor), g (6), ints (8), graphs (11). */
function attrFloat(b: Uint8Array, a: Field | undefined, dflt: number): number {
  const f = a && inner(b, a).find((x) => x.no === 2 && x.wire === 5);
  return f ? new DataView(b.buffer, b.byteOffset + f.body, 4).getFloat32(0, true) : dflt;
}
function attrInt(b: Uint8Array, a: Field | undefined): number | undefined {
  const f = a && inner(b, a).find((x) => x.no === 3 && x.wire === 0);
  return f ? uint(b, f) : undefined;
}
function attrInts(b: Uint8Array, a: Field | undefined): number[] {
  const out: number[] = [];
  for (const f of a ? inner(b, a) : []) {
    if (f.no === 8) out.push(...(f.wire === 0 ? [uint(b, f)] : packedUints(b, f)));
  }
  return out;
}

/** Random ops anywhere below `graph` (If/Loop/Scan bodies), which this edit does not rewrite. */
function nestedRandom(b: Uint8Array, graph: Field): string | undefined {
  for (const f of inner(b, graph)) {
    if (f.no !== 1) continue;
    for (const a of readNode(b, f).attrs.values()) {
      for (const g of inner(b, a)) {
        if (g.no !== 6 && g.no !== 11) continue;
        for (const n of inner(b, g)) {
          if (n.no !== 1) continue;
          const op = readNode(b, n).op;
          if (NORMAL.has(op) || OTHER_RANDOM.has(op)) return op;
        }
        const deeper = nestedRandom(b, g);
        if (deeper) return deeper;
      }
    }
  }
  return undefined;
}

/** The element type a RandomNormalLike without `dtype` copies from its input. */
function likeType(b: Uint8Array, graph: Field[], nodes: Node[], input: string): number | undefined {
  const producer = nodes.find((n) => n.outputs.includes(input));
  if (producer?.op === 'ConstantOfShape') {
    // value: a one-element TensorProto (data_type is field 2); absent = float32 zeros
    const t = producer.attrs.get('value') && inner(b, producer.attrs.get('value')!).find((x) => x.no === 5);
    const dt = t && inner(b, t).find((x) => x.no === 2);
    return dt ? uint(b, dt) : 1;
  }
  if (producer?.op === 'Cast') return attrInt(b, producer.attrs.get('to'));
  // a typed value: graph input (11), output (12) or value_info (13) → TypeProto.tensor_type.elem_type
  for (const f of graph) {
    if (f.no !== 11 && f.no !== 12 && f.no !== 13) continue;
    const vi = inner(b, f);
    const name = vi.find((x) => x.no === 1);
    if (!name || text(b, name) !== input) continue;
    const tt = vi.find((x) => x.no === 2);
    const tensor = tt && inner(b, tt).find((x) => x.no === 1);
    const elem = tensor && inner(b, tensor).find((x) => x.no === 1);
    if (elem) return uint(b, elem);
  }
  return undefined;
}

function valueInfo(name: string, elem: number, shape: readonly Dim[]): Uint8Array {
  const dims = shape.map((d) => lenField(1, typeof d === 'number' ? uintField(1, d) : strField(2, d)));
  const tensor = concat([uintField(1, elem), lenField(2, concat(dims))]);
  return concat([strField(1, name), lenField(2, lenField(1, tensor))]);
}

function identity(name: string, from: string, to: string): Uint8Array {
  return concat([strField(1, from), strField(2, to), strField(3, name), strField(4, 'Identity')]);
}

export interface VaeNoiseEdit {
  /** The graph to create the session from (the same bytes when nothing was changed). */
  model: Uint8Array;
  /** The input the edit added (absent when the graph was left as it was). */
  input?: ValueSpec;
  /** The op that was replaced. */
  replaced?: string;
}

/**
 * `model` with its VAE posterior noise taken from the graph input `vae_noise`. `file` names the
 * graph in errors.
 */
export function seedVaeNoise(model: Uint8Array, file: string): VaeNoiseEdit {
  const refuse = (why: string) =>
    new ConfigError(`${file}: cannot make the VAE encoder's sampling reproducible: ${why}.`);
  const top = fields(model);
  const graphField = top.find((f) => f.no === 7 && f.wire === 2);
  if (!graphField) throw refuse('the file has no graph (is it an ONNX model?)');
  const graph = inner(model, graphField);
  const inputs = graph.filter((f) => f.no === 11);
  const inputNames = inputs.map((f) => {
    const n = inner(model, f).find((x) => x.no === 1);
    return n ? text(model, n) : '';
  });
  if (inputNames.includes(VAE_NOISE)) return { model }; // edited before
  const nodes = graph.filter((f) => f.no === 1).map((f) => readNode(model, f));
  const other = nodes.find((n) => isOnnx(n) && OTHER_RANDOM.has(n.op));
  if (other) throw refuse(`it draws with ${other.op} ('${other.name}'), not a normal sample`);
  const nested = nestedRandom(model, graphField);
  if (nested) throw refuse(`a ${nested} node sits inside a control-flow subgraph`);
  for (const fn of top.filter((f) => f.no === 25)) {
    const op = inner(model, fn)
      .filter((f) => f.no === 7)
      .map((f) => readNode(model, f).op)
      .find((o) => NORMAL.has(o) || OTHER_RANDOM.has(o));
    if (op) throw refuse(`a ${op} node sits inside a model-local function`);
  }
  const random = nodes.filter((n) => isOnnx(n) && NORMAL.has(n.op));
  if (random.length === 0) return { model };
  if (random.length > 1) {
    throw refuse(
      `it has ${random.length} random nodes (${random.map((n) => `'${n.name}'`).join(', ')}), expected one`,
    );
  }
  const node = random[0];
  const mean = attrFloat(model, node.attrs.get('mean'), 0);
  const scale = attrFloat(model, node.attrs.get('scale'), 1);
  if (mean !== 0 || scale !== 1) throw refuse(`'${node.name}' draws N(${mean}, ${scale}²), not N(0, 1)`);
  const dtypeAttr = attrInt(model, node.attrs.get('dtype'));
  const elem =
    dtypeAttr ?? (node.op === 'RandomNormal' ? 1 : likeType(model, graph, nodes, node.inputs[0] ?? ''));
  const dtype = elem === undefined ? undefined : ELEM[elem];
  if (!dtype) {
    throw refuse(
      elem === undefined
        ? `the element type of '${node.name}' cannot be told from the graph`
        : `'${node.name}' draws element type ${elem}; only float32 and float16 are supported`,
    );
  }
  const fixed = node.op === 'RandomNormal' ? attrInts(model, node.attrs.get('shape')) : [];
  if (node.op === 'RandomNormal' && fixed.length !== 4)
    throw refuse(`'${node.name}' draws shape [${fixed.join(', ')}], not a [batch, channels, h, w] latent`);
  const shape: Dim[] = fixed.length
    ? fixed
    : ['batch_size', 'num_channels_latent', 'height_latent', 'width_latent'];

  // Two splices inside the graph, the later one first so the earlier offsets stay valid.
  const at = (f: Field) => f.start - graphField.body;
  const body = model.subarray(graphField.body, graphField.end);
  const last = inputs.at(-1);
  // after the last graph input, so the image stays the first input (call counting reads its batch)
  const inputAt = last ? at(last) + last.end - last.start : body.length;
  const newNode = lenField(1, identity(node.name || `${node.op}_seeded`, VAE_NOISE, node.outputs[0]));
  const newInput = lenField(11, valueInfo(VAE_NOISE, ELEM_CODE[dtype], shape));
  const nodeStart = at(node.field);
  const nodeEnd = nodeStart + node.field.end - node.field.start;
  let edited: Uint8Array;
  if (inputAt >= nodeEnd) {
    edited = splice(splice(body, inputAt, inputAt, newInput), nodeStart, nodeEnd, newNode);
  } else {
    edited = splice(splice(body, nodeStart, nodeEnd, newNode), inputAt, inputAt, newInput);
  }
  return {
    model: splice(model, graphField.start, graphField.end, lenField(7, edited)),
    input: { name: VAE_NOISE, dtype, shape },
    replaced: node.op,
  };
}

/** The manifest's promise for the edited graph: its own inputs plus the noise input. */
export function withNoiseInput(want: Signature, edit: VaeNoiseEdit): Signature {
  return edit.input ? { ...want, inputs: [...want.inputs, edit.input] } : want;
}

/**
 * Dims of the noise to feed for `batch` images whose latent is h×w: the input's own numbers where it
 * has them, else [batch, channels, h, w] with the channels of the encoder's output (4 if symbolic).
 */
export function noiseDims(
  input: ValueSpec,
  outputs: readonly ValueSpec[],
  batch: number,
  h: number,
  w: number,
): number[] {
  const out = outputs.find((o) => o.name === 'latent_sample')?.shape[1];
  const channels = typeof out === 'number' ? out : LATENT_CHANNELS;
  const want = [batch, channels, h, w];
  if (input.shape.length !== 4) return want;
  return input.shape.map((d, i) => (typeof d === 'number' ? d : want[i]));
}

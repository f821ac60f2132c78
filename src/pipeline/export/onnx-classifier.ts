/**
 * The trained classifier as ONE ONNX file: the backbone graph with the trained head appended, so that
 * any ONNX Runtime gives logits and probabilities from the same pixels the pipeline fed the backbone.
 * Pooling follows src/stages/backbone.ts: [B, D, h, w] is averaged over h·w (GlobalAveragePool), a
 * [B, D, 1, 1] map is only flattened, [B, D] is used as is. Each dense layer is a Gemm with transB=1,
 * which takes W as stored ([R × Cin], out = x·Wᵀ + b) and exists in every opset we accept.
 */
import onnxProto from 'onnx-proto';
import { ConfigError, ModelSignatureError } from '../../core/errors.ts';
import type { DenseParams } from '../../train/head-init.ts';

const { onnx } = onnxProto;
type Model = InstanceType<typeof onnx.ModelProto>;
type Graph = InstanceType<typeof onnx.GraphProto>;
type ValueInfo = Graph['output'][number];

/** Metadata key holding the class names, JSON: `["cat","dog",…]` in logit order. */
export const CLASSES_KEY = 'autogenda.classes';
/** Oldest default-domain opset whose Gemm broadcasts the bias row (opset 7). */
const MIN_OPSET = 7;
const PREFIX = 'autogenda_head';

export interface ClassifierExport {
  /** The backbone's ONNX bytes (a self-contained file: external data is refused). */
  backbone: Uint8Array;
  /** For messages: which file this is, e.g. 'tiny-resnet-hf onnx/model.onnx'. */
  name: string;
  /** The backbone's feature output (manifest `backbone.output`). */
  output: string;
  /** Feature size D (manifest `backbone.dim`). */
  dim: number;
  /** Trained head layers, first to last; ReLU between them. */
  head: readonly DenseParams[];
  /** Class names in logit order. */
  classes: readonly string[];
  /** Extra metadata_props (method, seed, run id, …); values are strings. */
  metadata?: Readonly<Record<string, string>>;
}

/** Integers come back from protobufjs as numbers or Long objects, depending on the bundle. */
const num = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'object' && v !== null ? Number(String(v)) : Number.NaN;

/** Shape checks on the head: chained sizes, D in, C out, finite numbers. */
export function checkHead(head: readonly DenseParams[], dim: number, classes: readonly string[]): void {
  if (head.length === 0) throw new ConfigError('classifier export: the head has no layers');
  let cin = dim;
  head.forEach((l, i) => {
    const at = `classifier export: head layer ${i}`;
    if (l.Cin !== cin) {
      throw new ConfigError(
        `${at} takes ${l.Cin} inputs but ${i === 0 ? 'the backbone gives' : 'the layer before gives'} ${cin}`,
      );
    }
    if (l.w.length !== l.R * l.Cin || l.b.length !== l.R) {
      throw new ConfigError(
        `${at} has ${l.w.length} weights and ${l.b.length} biases for [${l.R} × ${l.Cin}]`,
      );
    }
    if (!l.w.every(Number.isFinite) || !l.b.every(Number.isFinite)) {
      throw new ConfigError(`${at} has NaN or infinite parameters; the training diverged`);
    }
    cin = l.R;
  });
  if (cin !== classes.length) {
    throw new ConfigError(`classifier export: the head gives ${cin} logits for ${classes.length} classes`);
  }
}

function elemOf(v: ValueInfo): number {
  return num(v.type?.tensorType?.elemType);
}

function dimsOf(v: ValueInfo): (number | string | undefined)[] | undefined {
  const dims = v.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d: { dimParam?: string | null; dimValue?: unknown }) =>
    d.dimParam ? d.dimParam : d.dimValue != null ? num(d.dimValue) : undefined,
  );
}

/** Every value name in the graph, so ours never shadow one. */
function usedNames(g: Graph): Set<string> {
  const names = new Set<string>();
  for (const v of [...g.input, ...g.output, ...g.valueInfo]) if (v.name) names.add(v.name);
  for (const t of g.initializer) if (t.name) names.add(t.name);
  for (const n of g.node) {
    for (const s of [...(n.input ?? []), ...(n.output ?? [])]) names.add(s);
    if (n.name) names.add(n.name);
  }
  return names;
}

/** Merge backbone + head into one model; returns its bytes. */
export function exportClassifier(o: ClassifierExport): Uint8Array {
  checkHead(o.head, o.dim, o.classes);
  let model: Model;
  try {
    model = onnx.ModelProto.decode(o.backbone);
  } catch (e) {
    throw new ModelSignatureError(`${o.name}: not an ONNX model (${(e as Error).message})`);
  }
  const g = model.graph as Graph | null;
  if (!g) throw new ModelSignatureError(`${o.name}: the ONNX model has no graph`);
  if (g.initializer.some((t) => num(t.dataLocation ?? 0) === onnx.TensorProto.DataLocation.EXTERNAL)) {
    throw new ModelSignatureError(
      `${o.name}: its weights are in external data files; one-file export needs them inside the .onnx`,
    );
  }
  const opset = model.opsetImport.find((s) => !s.domain || s.domain === 'ai.onnx');
  const version = num(opset?.version);
  if (!(version >= MIN_OPSET)) {
    throw new ModelSignatureError(`${o.name}: default-domain opset ${version} is older than ${MIN_OPSET}`);
  }

  const outIndex = g.output.findIndex((v) => v.name === o.output);
  if (outIndex < 0) {
    const have = g.output.map((v) => v.name).join(', ');
    throw new ModelSignatureError(`${o.name}: no graph output '${o.output}' (it has: ${have})`);
  }
  const feat = g.output[outIndex];
  const T = onnx.TensorProto.DataType;
  const elem = elemOf(feat);
  if (elem !== T.FLOAT && elem !== T.FLOAT16) {
    throw new ModelSignatureError(`${o.name}: output '${o.output}' is not float32 or float16`);
  }
  const dims = dimsOf(feat);
  if (!dims || dims.length < 2) {
    throw new ModelSignatureError(`${o.name}: output '${o.output}' needs a known shape [B, ${o.dim}, …]`);
  }
  if (typeof dims[1] === 'number' && dims[1] !== o.dim) {
    throw new ModelSignatureError(
      `${o.name}: output '${o.output}' has ${dims[1]} channels, but the head was trained on ${o.dim}`,
    );
  }

  const used = usedNames(g);
  let n = 0;
  const fresh = (what: string): string => {
    let s = `${PREFIX}/${what}`;
    while (used.has(s)) s = `${PREFIX}/${what}_${n++}`;
    used.add(s);
    return s;
  };
  const node = (opType: string, input: string[], attribute: object[] = [], out?: string): string => {
    const name = out ?? fresh(opType.toLowerCase());
    g.node.push(
      onnx.NodeProto.create({ opType, name: fresh(`${opType}_node`), input, output: [name], attribute }),
    );
    return name;
  };
  const ints = (name: string, i: number) =>
    onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const weight = (what: string, shape: number[], values: Float32Array): string => {
    const name = fresh(what);
    const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    g.initializer.push(onnx.TensorProto.create({ name, dims: shape, dataType: T.FLOAT, rawData: raw }));
    return name;
  };

  // Pool to [B, D]: average any spatial map, flatten a 1×1 one.
  let x = o.output;
  if (elem === T.FLOAT16) x = node('Cast', [x], [ints('to', T.FLOAT)]);
  if (dims.length > 2) {
    const unit = dims.slice(2).every((d) => d === 1);
    if (!unit) x = node('GlobalAveragePool', [x]);
    x = node('Flatten', [x], [ints('axis', 1)]);
  }
  o.head.forEach((l, i) => {
    const w = weight(`dense${i}_weight`, [l.R, l.Cin], Float32Array.from(l.w));
    const b = weight(`dense${i}_bias`, [l.R], Float32Array.from(l.b));
    x = node('Gemm', [x, w, b], [ints('transB', 1)]);
    if (i < o.head.length - 1) x = node('Relu', [x]);
  });
  // Graph output names must be unused; 'logits'/'probabilities' clash only in odd backbones.
  for (const name of ['logits', 'probabilities']) {
    if (used.has(name)) throw new ModelSignatureError(`${o.name}: already has a value named '${name}'`);
  }
  const logits = node('Identity', [x], [], 'logits');
  node('Softmax', [logits], [ints('axis', 1)], 'probabilities');

  const batch = dims[0];
  const C = o.classes.length;
  const info = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: T.FLOAT,
          shape: {
            dim: [
              typeof batch === 'number' ? { dimValue: batch } : { dimParam: batch ?? 'batch_size' },
              { dimValue: C },
            ],
          },
        },
      },
    });
  g.output.splice(outIndex, 1);
  g.output.push(info('logits'), info('probabilities'));

  const meta: Record<string, string> = {
    ...o.metadata,
    [CLASSES_KEY]: JSON.stringify(o.classes),
    'autogenda.head': JSON.stringify(o.head.map((l) => [l.R, l.Cin])),
    'autogenda.backbone_output': o.output,
  };
  model.metadataProps = [
    ...model.metadataProps.filter((p) => !(p.key && Object.hasOwn(meta, p.key))),
    ...Object.entries(meta).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  ];
  model.producerName = 'autogenda';
  return onnx.ModelProto.encode(model).finish();
}

/** The class names an exported classifier carries (for a consumer, and for tests). */
export function classifierClasses(bytes: Uint8Array): string[] {
  const model = onnx.ModelProto.decode(bytes);
  const entry = model.metadataProps.find((p) => p.key === CLASSES_KEY);
  if (!entry?.value) throw new ModelSignatureError(`classifier: no '${CLASSES_KEY}' metadata`);
  return JSON.parse(entry.value) as string[];
}

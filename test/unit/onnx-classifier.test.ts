/**
 * The one-file classifier export: fixture backbone (both layouts) + random heads (linear, MLP) merged,
 * run by ORT wasm on real photos, against backbone features → float64 head maths.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { backboneFixture, folderOf } from '../../models/fixtures/index.ts';
import { ConfigError, ModelSignatureError } from '../../src/core/errors.ts';
import { OrtSession } from '../../src/ort/session.ts';
import type { TensorData } from '../../src/ort/types.ts';
import {
  CLASSES_KEY,
  classifierClasses,
  exportClassifier,
} from '../../src/pipeline/export/onnx-classifier.ts';
import { openBackbone } from '../../src/stages/open-stage.ts';
import type { FeatureBank } from '../../src/train/bank.ts';
import { resolveTrainConfig } from '../../src/train/config.ts';
import type { DenseParams } from '../../src/train/head-init.ts';
import { initHead } from '../../src/train/head-init.ts';
import { ReferenceTrainer } from '../../src/train/reference.ts';
import { dense } from '../../src/train/reference-math.ts';
import { loadPng } from '../support/skimage.ts';

const { onnx } = onnxProto;
const D = 2048;
const CLASSES = ['chat', 'café', '狗', 'a "quoted" <b>name</b>'];
const C = CLASSES.length;

/** The head in float64, as the trainer defines it: dense → ReLU → dense. */
function headMaths(head: readonly DenseParams[], x: ArrayLike<number>, M: number): Float64Array {
  let h: ArrayLike<number> = x;
  head.forEach((l, i) => {
    const y = dense(h, l.w, l.b, M, l.R, l.Cin) as Float64Array;
    if (i < head.length - 1) for (let j = 0; j < y.length; j++) y[j] = Math.max(0, y[j]);
    h = y;
  });
  return h as Float64Array;
}

const argmax = (a: ArrayLike<number>, row: number, n: number) => {
  let best = 0;
  for (let c = 1; c < n; c++) if (a[row * n + c] > a[row * n + best]) best = c;
  return best;
};

/** Scale the first layer up so logits differ by more than rounding: argmax is then a real check. */
function head(kind: 'linear' | 'mlp', seed: number): DenseParams[] {
  const layers = initHead(kind, D, C, 16, seed, 'export-test');
  for (const v of layers[0].w.keys()) layers[0].w[v] *= 20;
  return layers;
}

describe('exportClassifier: backbone + trained head as one ONNX file', () => {
  for (const layout of ['hf', 'torchvision'] as const) {
    for (const kind of ['linear', 'mlp'] as const) {
      it(`${layout} backbone + ${kind} head: logits equal features → float64 head, softmax, argmax`, async () => {
        const p = await backboneFixture(layout);
        const { stage, model } = await openBackbone(p.manifest, { folder: folderOf(p), ep: 'wasm' });
        const imgs = ['coffee.png', 'chelsea.png', 'astronaut.png', 'motorcycle_left.png'].map(loadPng);
        const px = stage.pixels(imgs);
        const feats = await stage.features(imgs);
        await model.dispose();

        // First seeded head whose float64 predictions are not all one class (else argmax proves little).
        let seed = 1;
        let layers = head(kind, seed);
        const distinct = (l: DenseParams[]) =>
          new Set(imgs.map((_, r) => argmax(headMaths(l, feats, imgs.length), r, C))).size;
        while (distinct(layers) < 2 && seed < 50) layers = head(kind, ++seed);
        const bytes = exportClassifier({
          backbone: p.files.get('onnx/model.onnx')!,
          name: `${p.manifest.id} onnx/model.onnx`,
          output: p.manifest.backbone!.output,
          dim: D,
          head: layers,
          classes: CLASSES,
          metadata: { 'autogenda.method': 'autogenda' },
        });
        expect(classifierClasses(bytes)).toEqual(CLASSES);

        const s = await OrtSession.create(bytes, { name: 'merged classifier', ep: 'wasm' });
        expect(s.inputs.map((v) => v.name)).toEqual([p.manifest.backbone!.input]);
        expect(s.outputs.map((v) => v.name)).toEqual(['logits', 'probabilities']);
        const out = await s.run({ [p.manifest.backbone!.input]: px });
        await s.dispose();
        const logits = out.logits as TensorData<'float32'>;
        const probs = out.probabilities as TensorData<'float32'>;
        expect(logits.dims).toEqual([imgs.length, C]);
        expect(probs.dims).toEqual([imgs.length, C]);

        const want = headMaths(layers, feats, imgs.length);
        let maxErr = 0;
        for (let i = 0; i < want.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(logits.data[i] - want[i]) / Math.max(1, Math.abs(want[i])));
        }
        expect(maxErr).toBeLessThan(1e-4);
        const preds = imgs.map((_, r) => argmax(want, r, C));
        for (let r = 0; r < imgs.length; r++) {
          expect(argmax(logits.data, r, C)).toBe(preds[r]);
          const row = Array.from(want.subarray(r * C, (r + 1) * C));
          const m = Math.max(...row);
          const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
          for (let c = 0; c < C; c++) expect(probs.data[r * C + c]).toBeCloseTo(Math.exp(row[c] - m) / z, 5);
        }
        expect(new Set(preds).size).toBeGreaterThan(1);
      });
    }
  }

  it('a head trained by ReferenceTrainer on backbone features: merged model predicts what predict() does', async () => {
    const p = await backboneFixture('hf');
    const { stage, model } = await openBackbone(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    const names = [
      'coffee',
      'chelsea',
      'astronaut',
      'motorcycle_left',
      'motorcycle_right',
      'horse',
      'ihc',
      'color',
    ];
    const imgs = names.map((n) => loadPng(`${n}.png`));
    const feats = await stage.features(imgs);
    const px = stage.pixels(imgs);
    await model.dispose();
    const N = imgs.length;
    const all = Array.from({ length: N }, (_, i) => i);
    const bank: FeatureBank = {
      classes: ['a', 'b', 'c'],
      sources: ['real'],
      N,
      S: 1,
      K: 1,
      D,
      features: feats,
      labels: Int32Array.from(all, (i) => i % 3),
      split: { train: all.filter((i) => i % 2 === 0), valid: all.filter((i) => i % 2 === 1), test: all },
    };
    const cfg = resolveTrainConfig({
      head: 'mlp',
      hidden: 8,
      finalEpochs: 5,
      batchSize: 4,
      lr: 1e-2,
      seed: 3,
    });
    const trainer = new ReferenceTrainer(bank, cfg);
    const { layers } = trainer.train(new Float64Array(3)); // one source: α is irrelevant
    const want = trainer.predict(layers, all);
    expect(new Set(want).size).toBeGreaterThan(1); // a head that learnt something, not one class
    const bytes = exportClassifier({
      backbone: p.files.get('onnx/model.onnx')!,
      name: 'tiny-resnet-hf',
      output: 'last_hidden_state',
      dim: D,
      head: ReferenceTrainer.params(layers),
      classes: bank.classes,
    });
    const s = await OrtSession.create(bytes, { name: 'merged classifier', ep: 'wasm' });
    const logits = (await s.run({ pixel_values: px })).logits as TensorData<'float32'>;
    await s.dispose();
    expect(Array.from(all, (r) => argmax(logits.data, r, 3))).toEqual(Array.from(want));
  });

  it('keeps the backbone opset and metadata; class names are JSON in metadata_props', async () => {
    const p = await backboneFixture('torchvision');
    const src = p.files.get('onnx/model.onnx')!;
    const before = onnx.ModelProto.decode(src);
    before.metadataProps.push(onnx.StringStringEntryProto.create({ key: 'exporter', value: 'torch' }));
    const bytes = exportClassifier({
      backbone: onnx.ModelProto.encode(before).finish(),
      name: 'tv',
      output: 'output',
      dim: D,
      head: head('linear', 1),
      classes: CLASSES,
      metadata: { 'autogenda.seed': '7' },
    });
    const after = onnx.ModelProto.decode(bytes);
    expect(after.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual(
      before.opsetImport.map((o) => [o.domain, Number(o.version)]),
    );
    const meta = Object.fromEntries(after.metadataProps.map((m) => [m.key, m.value]));
    expect(meta.exporter).toBe('torch');
    expect(meta['autogenda.seed']).toBe('7');
    expect(JSON.parse(meta[CLASSES_KEY])).toEqual(CLASSES);
    // The backbone's own feature output is no longer a graph output.
    expect((after.graph?.output ?? []).map((o) => o.name)).toEqual(['logits', 'probabilities']);
  });

  it('an fp16 backbone (float16 I/O) is cast to float32 before the head: same argmax as fp32', async () => {
    const p = await backboneFixture('hf');
    const imgs = ['coffee.png', 'chelsea.png', 'astronaut.png'].map(loadPng);
    const { stage, model } = await openBackbone(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    const px = stage.pixels(imgs);
    await model.dispose();
    const layers = head('linear', 2);
    const run = async (file: string) => {
      const bytes = exportClassifier({
        backbone: p.files.get(file)!,
        name: file,
        output: 'last_hidden_state',
        dim: D,
        head: layers,
        classes: CLASSES,
      });
      const s = await OrtSession.create(bytes, { name: file, ep: 'wasm' });
      const out = (await s.run({ pixel_values: px })).logits as TensorData<'float32'>;
      await s.dispose();
      expect(out.type).toBe('float32');
      return out.data;
    };
    const [full, half] = [await run('onnx/model.onnx'), await run('onnx/model_fp16.onnx')];
    for (let i = 0; i < full.length; i++) expect(half[i]).toBeCloseTo(full[i], 0);
    for (let r = 0; r < imgs.length; r++) expect(argmax(half, r, C)).toBe(argmax(full, r, C));
  });

  it('refuses a head trained on another feature size, naming the layer and both sizes', async () => {
    const p = await backboneFixture('hf');
    const base = {
      backbone: p.files.get('onnx/model.onnx')!,
      name: 'tiny-resnet-hf onnx/model.onnx',
      output: 'last_hidden_state',
      classes: CLASSES,
    };
    const wrongD = initHead('linear', 512, C, 0, 1, 'x');
    expect(() => exportClassifier({ ...base, dim: D, head: wrongD })).toThrow(
      /head layer 0 takes 512 inputs but the backbone gives 2048/,
    );
    expect(() => exportClassifier({ ...base, dim: D, head: wrongD })).toThrow(ConfigError);
    // The head agrees with `dim`, but the graph's output has 2048 channels.
    expect(() => exportClassifier({ ...base, dim: 512, head: wrongD })).toThrow(
      /tiny-resnet-hf onnx\/model.onnx: output 'last_hidden_state' has 2048 channels, but the head was trained on 512/,
    );
    const mlp = initHead('mlp', D, C, 16, 1, 'x');
    expect(() => exportClassifier({ ...base, dim: D, head: [mlp[0], { ...mlp[1], Cin: 8 }] })).toThrow(
      /head layer 1 takes 8 inputs but the layer before gives 16/,
    );
    expect(() => exportClassifier({ ...base, dim: D, head: mlp, classes: ['one'] })).toThrow(
      /gives 4 logits for 1 classes/,
    );
    const nan = initHead('linear', D, C, 0, 1, 'x');
    nan[0].b[0] = Number.NaN;
    expect(() => exportClassifier({ ...base, dim: D, head: nan })).toThrow(/NaN/);
    expect(() => exportClassifier({ ...base, dim: D, head: head('linear', 1), output: 'pooler' })).toThrow(
      ModelSignatureError,
    );
    expect(() =>
      exportClassifier({ ...base, dim: D, head: head('linear', 1), backbone: new Uint8Array([1, 2, 3]) }),
    ).toThrow(ModelSignatureError);
  });
});

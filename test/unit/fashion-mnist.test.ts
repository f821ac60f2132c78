import { describe, expect, it } from 'vitest';
import { imbalancedCounts } from '../../src/core/profiles.ts';
import { bankSummary, checkBank, featureOffset } from '../../src/train/bank.ts';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  fashionMnistAvailable,
  gunzip,
  loadFashionMnist,
  parseIdx,
} from '../support/fashion-mnist.ts';
import { buildThreeSourceBank, THREE_SOURCES, type ThreeSourceBank } from '../support/three-source-bank.ts';

const available = await fashionMnistAvailable();
if (!available) {
  console.warn(
    `SKIPPED Fashion-MNIST tests: ${FASHION_MNIST_DIR} is missing (install Debian's dataset-fashion-mnist; scripts/setup.sh does).`,
  );
}

describe('IDX parsing', () => {
  it('reads dims big-endian and checks the length', () => {
    const f = Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6);
    expect(parseIdx(f)).toEqual({ dims: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    expect(() => parseIdx(f.subarray(0, 17), 'a.idx')).toThrow(
      /a\.idx: 5 data bytes but dims \(2, 3\) need 6/,
    );
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), 'f.idx')).toThrow(
      /0xd is not unsigned byte/,
    );
    expect(() => parseIdx(Uint8Array.of(1, 2, 3, 4), 'g.idx')).toThrow(/bad magic/);
  });

  it('gunzip inflates a gzip stream', async () => {
    // printf 'hi\n' | gzip -n | xxd -p
    const gz = Uint8Array.from('1f8b0800000000000003cbc8e402007a7a6fed03000000'.match(/../g)!, (b) =>
      Number.parseInt(b, 16),
    );
    expect(new TextDecoder().decode(await gunzip(gz))).toBe('hi\n');
  });
});

describe.skipIf(!available)('Fashion-MNIST from the Debian package', () => {
  // Oracle: Python's gzip module on the same files, e.g.
  // python3 -c "import gzip; b=gzip.open('train-labels-idx1-ubyte.gz').read(); print(list(b[8:18]))"
  it('train: 60000 × 28 × 28, 6000 per class, known first labels and pixel sums', async () => {
    const t = await loadFashionMnist('train');
    expect([t.count, t.rows, t.cols]).toEqual([60000, 28, 28]);
    expect(t.images.length).toBe(60000 * 784);
    expect(Array.from(t.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    const counts = new Array(10).fill(0);
    for (const y of t.labels) counts[y]++;
    expect(counts).toEqual(new Array(10).fill(6000));
    expect(t.images.subarray(0, 784).reduce((a, b) => a + b, 0)).toBe(76247);
    let total = 0;
    for (const v of t.images) total += v;
    expect(total).toBe(3431114169);
  });

  it('t10k: 10000 images, 1000 per class, known first labels and pixel sum', async () => {
    const t = await loadFashionMnist('test');
    expect([t.count, t.rows, t.cols]).toEqual([10000, 28, 28]);
    expect(Array.from(t.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(t.images.subarray(0, 784).reduce((a, b) => a + b, 0)).toBe(33456);
    expect(FASHION_MNIST_CLASSES[t.labels[0]]).toBe('Ankle boot');
  });
});

describe.skipIf(!available)('three-source bank (identity / helpful / harmful)', () => {
  const build = async (opts: Parameters<typeof buildThreeSourceBank>[2] = {}): Promise<ThreeSourceBank> =>
    buildThreeSourceBank(await loadFashionMnist('train'), await loadFashionMnist('test'), opts);

  it('class counts follow the imbalanced profile; split halves; test is stratified t10k', async () => {
    const t0 = performance.now();
    const tsb = await build({ factor: 0.01, cap: 200, seed: 3, K: 2, testPerClass: 100 });
    console.log(
      `three-source bank N=${tsb.bank.N} built in ${(performance.now() - t0).toFixed(0)} ms (data cached)`,
    );
    const { bank, order, counts } = tsb;
    expect(bank.sources).toEqual(THREE_SOURCES);
    expect([bank.S, bank.K, bank.D]).toEqual([3, 2, 784]);
    const want = imbalancedCounts(200, 0.01, 10);
    expect(want[0]).toBe(200);
    expect(want[9]).toBe(2);
    order.forEach((cls, i) => {
      expect(counts[cls]).toBe(want[i]);
    });
    const s = bankSummary(bank);
    s.counts.train.forEach((n, k) => {
      expect(n).toBe(Math.ceil(counts[k] / 2));
      expect(s.counts.valid[k]).toBe(Math.floor(counts[k] / 2));
    });
    expect(s.counts.test).toEqual(new Array(10).fill(100));
    expect(s.unused).toBe(0);
    expect(bank.split.test.every((n) => n >= tsb.nTrain)).toBe(true);
    expect(checkBank(bank)).toEqual([]);
  });

  it('identity is the image; harmful comes from other classes; helpful is close but different', async () => {
    const train = await loadFashionMnist('train');
    const test = await loadFashionMnist('test');
    const { bank, origin, harmfulOrigin, nTrain } = await build({ seed: 1, K: 3 });
    const { features: f, D, K, N } = bank;
    const dist = (a: number, b: number) => {
      let s = 0;
      for (let d = 0; d < D; d++) s += (f[a + d] - f[b + d]) ** 2;
      return Math.sqrt(s);
    };
    let helpfulCloser = 0;
    let sumHelp = 0;
    let sumHarm = 0;
    for (let n = 0; n < N; n++) {
      const img = (n < nTrain ? train : test).images.subarray(origin[n] * D);
      expect(bank.labels[n]).toBe((n < nTrain ? train : test).labels[origin[n]]);
      for (let k = 0; k < K; k++) {
        const id = featureOffset(bank, n, 0, k);
        for (const d of [0, 300, 400, 783]) expect(f[id + d]).toBeCloseTo(img[d] / 255, 6);
        const j = harmfulOrigin[n * K + k];
        expect(train.labels[j]).not.toBe(bank.labels[n]);
        const harm = featureOffset(bank, n, 2, k);
        for (const d of [0, 300, 400, 783]) expect(f[harm + d]).toBeCloseTo(train.images[j * D + d] / 255, 6);
        const help = featureOffset(bank, n, 1, k);
        const dh = dist(id, help);
        expect(dh).toBeGreaterThan(0);
        const dx = dist(id, harm);
        sumHelp += dh;
        sumHarm += dx;
        if (dh < dx) helpfulCloser++;
      }
    }
    expect(sumHelp / sumHarm).toBeLessThan(0.75);
    expect(helpfulCloser / (N * K)).toBeGreaterThan(0.8);
    // the K helpful candidates of one sample differ from each other
    expect(dist(featureOffset(bank, 0, 1, 0), featureOffset(bank, 0, 1, 1))).toBeGreaterThan(0);
  });

  it('is deterministic per seed and differs across seeds', async () => {
    const a = await build({ seed: 7, cap: 40, testPerClass: 5 });
    const b = await build({ seed: 7, cap: 40, testPerClass: 5 });
    const c = await build({ seed: 8, cap: 40, testPerClass: 5 });
    expect(b.bank.split).toEqual(a.bank.split);
    expect(b.origin).toEqual(a.origin);
    const fa = a.bank.features;
    const fb = b.bank.features;
    expect(fb.length).toBe(fa.length);
    expect(fb.findIndex((v, i) => v !== fa[i])).toBe(-1); // toEqual on ~1M floats is slow
    expect(c.origin).not.toEqual(a.origin);
  });

  it('standardise gives zero-mean, unit-variance identity features on train+valid', async () => {
    const { bank, nTrain } = await build({ seed: 2, cap: 60, testPerClass: 5, standardise: true });
    const d = 14 * 28 + 14; // the centre pixel varies across images
    let m = 0;
    let v = 0;
    for (let n = 0; n < nTrain; n++) m += bank.features[featureOffset(bank, n, 0, 0) + d];
    m /= nTrain;
    for (let n = 0; n < nTrain; n++) v += (bank.features[featureOffset(bank, n, 0, 0) + d] - m) ** 2;
    expect(m).toBeCloseTo(0, 4);
    expect(v / nTrain).toBeCloseTo(1, 3);
  });
});

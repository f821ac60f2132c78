import { describe, expect, it } from 'vitest';
import { embedderFixture, folderOf } from '../../models/fixtures/index.ts';
import type { ProgressUpdate } from '../../src/core/progress.ts';
import { meanPoolNormalise } from '../../src/stages/embedder.ts';
import { openEmbedder } from '../../src/stages/open-stage.ts';

/** Unit vector of v. */
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('mean pooling + L2 normalisation', () => {
  it('weights tokens by the mask and ignores padding (hand-computed)', () => {
    // two rows of 3 tokens, H = 2; row 1's last token is padding with a huge value
    const h = Float32Array.of(1, 2, 3, 4, 5, 6, /* row 1 */ 3, 0, 0, 4, 1000, 1000);
    const mask = BigInt64Array.of(1n, 1n, 1n, 1n, 1n, 0n);
    const out = meanPoolNormalise(h, [2, 3, 2], mask);
    // row 0: mean (3, 4) → (0.6, 0.8); row 1: mean (1.5, 2) → (0.6, 0.8)
    expect([...out].map((x) => +x.toFixed(6))).toEqual([0.6, 0.8, 0.6, 0.8]);
  });

  it('an all-padding row gives zeros, not NaN', () => {
    const out = meanPoolNormalise(Float32Array.of(5, 5), [1, 1, 2], BigInt64Array.of(0n));
    expect([...out]).toEqual([0, 0]);
  });
});

describe('Embedder on the tiny MiniLM-layout graph (ORT wasm)', () => {
  it('embeds class names: hand-computed vectors, padding excluded, token types zero', async () => {
    const p = await embedderFixture();
    const { stage, model } = await openEmbedder(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    const out = await stage.embed(['dog', 'the owl']);
    // The fixture graph gives h = E[id] + T[type] + mask·(0.5, −0.5, 0.25, 0) with
    // E[id][k] = ((3·id + 5·k) mod 7) − 3 and the [PAD] row all 100.
    // 'dog':     [CLS]=101 → (−1,−3,2,0), dog=109 → (2,0,−2,3), [SEP]=102 → (2,0,−2,3)
    //            sum (3,−3,−2,6) + 3·(0.5,−0.5,0.25,0) = (4.5,−4.5,−1.25,6); mean (1.5,−1.5,−0.41667,2)
    // 'the owl': 101 → (−1,−3,2,0), the=112 → (−3,2,0,−2), owl=114 → (3,1,−1,−3), 102 → (2,0,−2,3)
    //            sum (1,0,−1,−2) + 4·(0.5,−0.5,0.25,0) = (3,−2,0,−2); mean (0.75,−0.5,0,−0.5)
    // 'dog' is padded with one [PAD] (row of 100s) that must not count.
    const want = [...unit([1.5, -1.5, -1.25 / 3, 2]), ...unit([0.75, -0.5, 0, -0.5])];
    [...out].forEach((x, i) => {
      expect(x).toBeCloseTo(want[i], 6);
    });
    await model.dispose();
  });

  it('batches: any batch size gives the same unit vectors, with progress per batch', async () => {
    const p = await embedderFixture();
    const { stage, model } = await openEmbedder(p.manifest, { folder: folderOf(p), ep: 'wasm' });
    const names = ['cat', 'sea lion', 'golden retriever', 'owl', 'elephant', 'red car', 'bird in the grass'];
    const events: ProgressUpdate[] = [];
    const a = await stage.embed(names, { batchSize: 3, onProgress: (e) => events.push(e) });
    const b = await stage.embed(names, { batchSize: 100 });
    const c = await Promise.all(names.map((n) => stage.embed([n])));
    expect(a.length).toBe(names.length * 4);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]).toBeCloseTo(b[i], 6);
      expect(a[i]).toBeCloseTo(c[Math.floor(i / 4)][i % 4], 6);
    }
    for (let r = 0; r < names.length; r++)
      expect(Math.hypot(...a.subarray(r * 4, r * 4 + 4))).toBeCloseTo(1, 6);
    expect(events.map((e) => e.type === 'stage' && [e.stage, e.done, e.total])).toEqual([
      ['neighbours', 3, 7],
      ['neighbours', 6, 7],
      ['neighbours', 7, 7],
    ]);
    await model.dispose();
  });
});

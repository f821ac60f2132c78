/**
 * openStages opens the captioner, embedder and img2img on first use and frees them on release, so a
 * run never holds two big models at once (and a fully cached run opens none). Observed through the
 * files each model reads from the (in-memory fixture) models folder; sessions run on ORT wasm in Node.
 */
import { describe, expect, it } from 'vitest';
import { fixtureModelsFolder } from '../../src/pipeline/app/fixtures.ts';
import type { ModelsFolder } from '../../src/pipeline/models-index.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';

function recording(f: ModelsFolder) {
  const reads: string[] = [];
  const folder: ModelsFolder = {
    readText: f.readText,
    folder: (dir) => ({
      read: (path) => {
        reads.push(dir);
        return f.folder(dir).read(path);
      },
    }),
  };
  return { folder, reads };
}

describe('openStages', () => {
  it('opens the big models on first use and again after a release', async () => {
    const { folder, reads } = recording(await fixtureModelsFolder());
    const st = await openStages(folder, 'fixtures', { ep: 'wasm' });
    try {
      const dirs = () => [...new Set(reads)].sort();
      const backboneOnly = dirs();
      expect(backboneOnly).toHaveLength(1); // the backbone opens up front
      const img = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(8 * 8 * 3).fill(100) };

      const a = await st.caption(img, 'cat');
      expect(dirs()).toHaveLength(2); // + captioner
      reads.length = 0;
      await st.caption(img, 'cat');
      expect(reads).toEqual([]); // still open: nothing read again

      await st.release?.('captioner');
      const b = await st.caption(img, 'cat');
      expect(reads.length).toBeGreaterThan(0); // reopened after the release
      expect(b).toBe(a); // the same model, the same caption

      await st.embed(['cat', 'dog']);
      await st.release?.('embedder');
      await st.release?.('img2img'); // never opened: nothing to free, no error
    } finally {
      await st.dispose();
    }
  }, 120_000);
});

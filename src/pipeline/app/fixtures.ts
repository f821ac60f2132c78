/**
 * The random-weight fixture models (models/fixtures), built in memory and served to openStages as a
 * models folder, so the browser can run the whole pipeline with no download and no server. Plumbing
 * checks only: the index says plumbingOnly, and everything downstream shows the warning.
 */
import type { ModelsFolder } from '../models-index.ts';

export async function fixtureModelsFolder(): Promise<ModelsFolder> {
  // Loaded lazily: a few MB of graph-building code that only the demo needs.
  const f = await import('../../../models/fixtures/index.ts');
  const packages = await Promise.all([
    f.embedderFixture(),
    f.backboneFixture('hf'),
    f.vitGpt2Fixture(),
    f.diffusionFixture(),
  ]);
  const files = new Map<string, Uint8Array>();
  const enc = new TextEncoder();
  for (const p of packages) {
    for (const [path, data] of p.files) files.set(`${p.manifest.id}/${path}`, data);
    files.set(`${p.manifest.id}/manifest.json`, enc.encode(JSON.stringify(p.manifest)));
  }
  const index = {
    plumbingOnly: true,
    models: packages.map((p) => ({
      id: p.manifest.id,
      task: p.manifest.task,
      manifest: `${p.manifest.id}/manifest.json`,
    })),
  };
  files.set('fixtures.json', enc.encode(JSON.stringify(index)));
  return {
    readText: async (path) => {
      const b = files.get(path);
      return b && new TextDecoder().decode(b);
    },
    folder: (dir) => ({ read: async (path) => files.get(dir === '.' ? path : `${dir}/${path}`) }),
  };
}

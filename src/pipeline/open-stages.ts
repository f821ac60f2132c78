/**
 * PipelineStages from a models folder: an index (fixtures.json as `autogenda fixtures` writes it, or
 * models.json of the same shape: {plumbingOnly?, models: [{id, task, manifest}]}) naming one manifest
 * per task; the first model listed for a task is used. File access is injected (Deno in the CLI).
 */
import { ConfigError } from '../core/errors.ts';
import type { FolderSource } from '../models/fetch.ts';
import { type ModelManifest, parseManifest, type Task } from '../models/manifest.ts';
import type { EpRequest } from '../ort/ep.ts';
import { openImg2Img } from '../stages/img2img/open.ts';
import { openBackbone, openCaptioner, openEmbedder } from '../stages/open-stage.ts';
import type { PipelineStages } from './stages.ts';

export interface ModelsFolder {
  /** The folder's files, relative paths; undefined when absent. */
  readText(path: string): Promise<string | undefined>;
  /** The files of one model sub-folder. */
  folder(dir: string): FolderSource;
}

export const MODEL_INDEXES = ['fixtures.json', 'models.json'] as const;
const TASKS: readonly Task[] = ['captioner', 'embedder', 'img2img', 'backbone'];

interface Index {
  plumbingOnly?: boolean;
  models: { id: string; task: string; manifest: string }[];
}

async function readIndex(f: ModelsFolder, where: string): Promise<Index> {
  for (const name of MODEL_INDEXES) {
    const text = await f.readText(name);
    if (text === undefined) continue;
    const json = JSON.parse(text) as Partial<Index>;
    if (!Array.isArray(json.models)) throw new ConfigError(`${where}/${name}: no "models" list`);
    return json as Index;
  }
  throw new ConfigError(
    `${where}: no ${MODEL_INDEXES.join(' or ')} (write offline test models with: autogenda fixtures --out DIR)`,
  );
}

export async function openStages(
  f: ModelsFolder,
  where: string,
  o: { ep?: EpRequest; captionTokens?: number } = {},
): Promise<PipelineStages> {
  const index = await readIndex(f, where);
  const manifests = {} as Record<Task, { m: ModelManifest; dir: string }>;
  for (const task of TASKS) {
    const entry = index.models.find((e) => e.task === task);
    if (!entry) throw new ConfigError(`${where}: the index lists no ${task} model`);
    const text = await f.readText(entry.manifest);
    if (text === undefined) throw new ConfigError(`${where}/${entry.manifest}: missing`);
    const dir = entry.manifest.includes('/') ? entry.manifest.slice(0, entry.manifest.lastIndexOf('/')) : '.';
    manifests[task] = { m: parseManifest(JSON.parse(text), `${where}/${entry.manifest}`), dir };
  }
  const opts = (t: Task) => ({ folder: f.folder(manifests[t].dir), ep: o.ep });
  // The captioner, embedder and img2img open on first use and close when the pipeline is done with
  // them, so no two of the big models need GPU memory at once; a fully cached run opens none of them.
  // The backbone opens now: it is small, and its feature size is needed up front.
  const cap = lazy(
    () => openCaptioner(manifests.captioner.m, opts('captioner')),
    (m) => m.model.dispose(),
  );
  const emb = lazy(
    () => openEmbedder(manifests.embedder.m, opts('embedder')),
    (m) => m.model.dispose(),
  );
  const gen = lazy(
    () => openImg2Img(manifests.img2img.m, opts('img2img')),
    (m) => m.dispose(),
  );
  const bb = await openBackbone(manifests.backbone.m, opts('backbone'));
  const bbm = manifests.backbone.m;
  const released = { captioner: cap, embedder: emb, img2img: gen };
  return {
    ids: {
      captioner: manifests.captioner.m.id,
      embedder: manifests.embedder.m.id,
      img2img: manifests.img2img.m.id,
      backbone: bbm.id,
    },
    plumbingOnly: index.plumbingOnly === true,
    caption: async (img, cls) =>
      (await (await cap.get()).stage.caption(img, cls, { maxNewTokens: o.captionTokens ?? 12 })).text,
    embed: async (names) => {
      const e = (await emb.get()).stage;
      return { vectors: await e.embed(names), dim: e.dim };
    },
    generate: async (img, r) =>
      (
        await (
          await gen.get()
        ).stage.generate(img, {
          prompt: r.prompt,
          seed: r.seed,
          strength: r.strength,
          steps: r.steps,
          guidance: r.guidance,
        })
      ).image,
    release: (task) => released[task].close(),
    features: (imgs) => bb.stage.features(imgs),
    featureDim: bb.stage.dim,
    backboneGraph: async () => {
      const file = bbm.variants[bb.model.variant].model;
      const bytes = await f.folder(manifests.backbone.dir).read(file);
      if (!bytes) throw new ConfigError(`${where}/${manifests.backbone.dir}/${file}: missing`);
      return { bytes, name: `${bbm.id} ${file}`, output: bb.stage.settings.output };
    },
    dispose: async () => {
      await Promise.all([cap.close(), emb.close(), gen.close(), bb.model.dispose()]);
    },
  };
}

/** A model opened on first get() and closed by close(); a get() after close() opens it again. */
function lazy<T>(open: () => Promise<T>, dispose: (t: T) => Promise<void>) {
  let opened: Promise<T> | undefined;
  return {
    get: () => {
      opened ??= open();
      return opened;
    },
    close: async () => {
      const p = opened;
      opened = undefined;
      if (p) await dispose(await p);
    },
  };
}

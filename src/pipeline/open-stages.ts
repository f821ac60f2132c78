/**
 * The one way from manifests to a run's stages (the CLI, the app's pipeline worker and the tests all
 * come here): a models folder (models-index.ts) names one manifest per task, the first listed for a
 * task is used; each stage is opened by its family's opener, counted (model calls), with the
 * manifest's caption options and generation defaults, and textual-inversion tokens in the text encoder.
 */
import { ConfigError } from '../core/errors.ts';
import { TASKS, type Task } from '../models/manifest.ts';
import { concat } from '../models/store.ts';
import { CallCounter } from '../ort/calls.ts';
import type { EpRequest } from '../ort/ep.ts';
import { openImg2Img } from '../stages/img2img/open.ts';
import type { TokenEmbedding } from '../stages/img2img/ti-file.ts';
import { openBackbone, openCaptioner, openEmbedder } from '../stages/open-stage.ts';
import { checkSummary, type ModelCheckSummary } from './check/result.ts';
import { readChecks } from './check/runner.ts';
import { sha256Hex } from './import/hash.ts';
import { type ListedModel, type ModelsFolder, readModelsIndex } from './models-index.ts';
import type { PipelineStages } from './stages.ts';

export interface OpenStagesOptions {
  ep?: EpRequest;
  /** Caption length in new tokens; default: the captioner manifest's `maxNewTokens`. */
  captionTokens?: number;
  /** Textual-inversion embeddings for the img2img text encoder (parseEmbeddingFile). */
  embeddings?: readonly TokenEmbedding[];
}

export async function openStages(
  f: ModelsFolder,
  where: string,
  o: OpenStagesOptions = {},
): Promise<PipelineStages> {
  const index = await readModelsIndex(f, where);
  const manifests = {} as Record<Task, ListedModel>;
  for (const task of TASKS) {
    // the first model listed for a task is the one used
    const listed = index.models.find((x) => x.m.task === task);
    if (!listed) throw new ConfigError(`${where}: the index lists no ${task} model`);
    manifests[task] = listed;
  }
  const calls = new CallCounter();
  const opts = (t: Task) => ({ folder: f.folder(manifests[t].dir), ep: o.ep, calls });
  const capM = manifests.captioner.m;
  const captionOptions = { maxNewTokens: o.captionTokens ?? capM.captioner?.maxNewTokens ?? 20 };
  const embeddings = [...(o.embeddings ?? [])];
  // differences between a manifest and its graph, said once per model when it opens
  const warnings = new Set<string>();
  const warn = <T extends { warnings: string[] }>(x: T) => {
    for (const w of x.warnings) warnings.add(w);
    return x;
  };
  const warnOpened = <T extends { model: { warnings: string[] } }>(x: T) => {
    warn(x.model);
    return x;
  };
  // The captioner, embedder and img2img open on first use and close when the pipeline is done with
  // them, so no two of the big models need GPU memory at once; a fully cached run opens none of them.
  // The backbone opens now: it is small, and its feature size is needed up front.
  const cap = lazy(
    () => openCaptioner(manifests.captioner.m, opts('captioner')).then(warnOpened),
    (m) => m.model.dispose(),
  );
  const emb = lazy(
    () => openEmbedder(manifests.embedder.m, opts('embedder')).then(warnOpened),
    (m) => m.model.dispose(),
  );
  const gen = lazy(
    () => openImg2Img(manifests.img2img.m, { ...opts('img2img'), embeddings }).then(warn),
    (m) => m.dispose(),
  );
  const bb = await openBackbone(manifests.backbone.m, opts('backbone'));
  warn(bb.model);
  const checks = await readChecks(f);
  const bbm = manifests.backbone.m;
  const released = { captioner: cap, embedder: emb, img2img: gen };
  const genM = manifests.img2img.m;
  const ti = embeddings.length ? `+ti-${(await embeddingsHash(embeddings)).slice(0, 16)}` : '';
  return {
    ids: {
      captioner: capM.id,
      embedder: manifests.embedder.m.id,
      // the text encoder with textual-inversion rows is another model: its candidates get other keys
      img2img: `${genM.id}${ti}`,
      backbone: bbm.id,
    },
    plumbingOnly: index.plumbingOnly,
    captionOptions,
    generationDefaults: { ...genM.img2img },
    tiTokens: embeddings.map((e) => ({ token: e.token, file: e.file ?? 'textual inversion' })),
    modelCalls: () => calls.snapshot(),
    warnings: () => [...warnings],
    modelChecks: Object.fromEntries(
      TASKS.map((t) => {
        const c = checks[manifests[t].m.id];
        return [t, c ? checkSummary(c) : null];
      }),
    ) as Record<Task, ModelCheckSummary | null>,
    caption: async (img, cls) => (await (await cap.get()).stage.caption(img, cls, captionOptions)).text,
    captionBatch: async (items) =>
      (await (await cap.get()).stage.captionBatch(items, captionOptions)).map((r) => r.text),
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
    generateBatch: async (items) => {
      const r = items[0]?.request;
      if (!r) return [];
      const same = items.every(
        ({ request: q }) => q.strength === r.strength && q.steps === r.steps && q.guidance === r.guidance,
      );
      if (!same) throw new ConfigError('img2img: one batch must share strength, steps and guidance');
      const jobs = items.map(({ image, request: q }) => ({ image, prompt: q.prompt, seed: q.seed }));
      const shared = { strength: r.strength, steps: r.steps, guidance: r.guidance };
      return (await (await gen.get()).stage.generateBatch(jobs, shared)).images;
    },
    release: (task) => released[task].close(),
    features: (imgs) => bb.stage.features(imgs),
    featureDim: bb.stage.dim,
    backbonePreprocess: bb.stage.settings.preprocess,
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

/** The content of textual-inversion embeddings (tokens and vectors), for the img2img model's cache id. */
async function embeddingsHash(es: readonly TokenEmbedding[]): Promise<string> {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const e of es) {
    parts.push(enc.encode(`${e.token}\n`));
    for (const v of e.vectors) parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return sha256Hex(concat(parts));
}

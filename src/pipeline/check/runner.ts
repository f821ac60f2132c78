/**
 * `models check`: open every model a models folder lists (fixtures.json or models.json), run its
 * task's known-answer checks, and keep the results beside the models in checks.json, keyed by model
 * id, so a later run can put them into its report (readChecks).
 */
import { ConfigError } from '../../core/errors.ts';
import type { FolderSource } from '../../models/fetch.ts';
import type { ModelManifest } from '../../models/manifest.ts';
import type { ModelStore } from '../../models/store.ts';
import type { EpRequest } from '../../ort/ep.ts';
import { openImg2Img } from '../../stages/img2img/open.ts';
import { openBackbone, openCaptioner, openEmbedder } from '../../stages/open-stage.ts';
import { type ModelsFolder, readModelsIndex } from '../models-index.ts';
import { checkBackbone } from './backbone.ts';
import { checkCaptioner } from './captioner.ts';
import { checkEmbedder } from './embedder.ts';
import { checkImg2Img } from './img2img.ts';
import type { Photos } from './photos.ts';
import type { CheckItem, ModelCheck } from './result.ts';

export const CHECKS_FILE = 'checks.json';
/** The model cache keeps a model's last check beside its files (cleared with them). */
export const CACHED_CHECK = 'autogenda-check.json';

export interface CheckOptions {
  photos: Photos;
  ep?: EpRequest;
  signal?: AbortSignal;
}

interface Opened {
  ep: string;
  variant: string;
  run: () => Promise<CheckItem[]>;
  dispose: () => Promise<void>;
}

/** Where a checked model's files come from: a models folder's sub-folder, or the model cache. */
export type CheckFiles = { folder: FolderSource } | { store: ModelStore };

async function open(m: ModelManifest, files: CheckFiles, o: CheckOptions): Promise<Opened> {
  const opts = { ...files, ep: o.ep, signal: o.signal };
  const { photos, signal } = o;
  switch (m.task) {
    case 'embedder': {
      const { stage, model } = await openEmbedder(m, opts);
      return { ...model, run: () => checkEmbedder(stage, signal) };
    }
    case 'captioner': {
      const { stage, model } = await openCaptioner(m, opts);
      return { ...model, run: () => checkCaptioner(stage, photos, signal) };
    }
    case 'backbone': {
      const { stage, model } = await openBackbone(m, opts);
      return { ...model, run: () => checkBackbone(stage, photos, signal) };
    }
    case 'img2img': {
      const g = await openImg2Img(m, opts);
      return {
        ep: g.ep,
        variant: g.variant,
        dispose: g.dispose,
        run: () => checkImg2Img(g.stage, photos, signal),
      };
    }
  }
}

/** One model's checks; a model that cannot be opened or run fails with the reason. */
export async function checkModel(m: ModelManifest, files: CheckFiles, o: CheckOptions): Promise<ModelCheck> {
  const t0 = performance.now();
  const at = new Date().toISOString();
  let opened: Opened | undefined;
  try {
    opened = await open(m, files, o);
    const checks = await opened.run();
    const ms = performance.now() - t0;
    return {
      id: m.id,
      task: m.task,
      passed: checks.every((c) => c.passed),
      checks,
      ms,
      ep: opened.ep,
      variant: opened.variant,
      at,
    };
  } catch (e) {
    if (o.signal?.aborted) throw e;
    const error = e instanceof Error ? e.message : String(e);
    const ms = performance.now() - t0;
    return {
      id: m.id,
      task: m.task,
      passed: false,
      checks: [],
      ms,
      ep: opened?.ep ?? 'none',
      variant: opened?.variant ?? '',
      at,
      error,
    };
  } finally {
    await opened?.dispose();
  }
}

/** Every listed model (or those named in `only`), one after another (one model in memory at a time). */
export async function checkModels(
  f: ModelsFolder,
  where: string,
  o: CheckOptions & { only?: readonly string[]; onResult?: (r: ModelCheck) => void },
): Promise<ModelCheck[]> {
  const models = (await readModelsIndex(f, where)).models.filter(
    (x) => !o.only?.length || o.only.includes(x.m.id),
  );
  if (o.only?.length && models.length === 0)
    throw new ConfigError(`${where}: none of ${o.only.join(', ')} is listed`);
  const out: ModelCheck[] = [];
  for (const { m, dir } of models) {
    const r = await checkModel(m, { folder: f.folder(dir) }, o);
    o.onResult?.(r);
    out.push(r);
  }
  return out;
}

/** checks.json of a models folder: the latest result per model id ({} when none was stored). */
export async function readChecks(f: Pick<ModelsFolder, 'readText'>): Promise<Record<string, ModelCheck>> {
  const text = await f.readText(CHECKS_FILE);
  if (text === undefined) return {};
  try {
    const json = JSON.parse(text) as { models?: Record<string, ModelCheck> };
    return json.models ?? {};
  } catch (e) {
    throw new ConfigError(
      `${CHECKS_FILE}: not valid JSON (${(e as Error).message}); delete it and check again`,
    );
  }
}

/** The checks.json text after adding these results to what was stored (other models keep theirs). */
export function mergeChecks(stored: Record<string, ModelCheck>, results: readonly ModelCheck[]): string {
  const models = { ...stored };
  for (const r of results) models[r.id] = r;
  return `${JSON.stringify({ models }, null, 2)}\n`;
}

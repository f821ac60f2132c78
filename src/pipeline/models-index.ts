/**
 * A models folder: an index (fixtures.json as `autogenda fixtures` writes it, or models.json of the
 * same shape: {plumbingOnly?, models: [{id, task, manifest}]}) and one sub-folder per model holding its
 * manifest and files. The one reader of that index: runs (openStages) and the models check use it.
 * File access is injected (Deno in the CLI, picked files or the model cache in the app).
 */
import { ConfigError } from '../core/errors.ts';
import type { FolderSource } from '../models/fetch.ts';
import { type ModelManifest, parseManifest } from '../models/manifest.ts';

export interface ModelsFolder {
  /** The folder's files, relative paths; undefined when absent. */
  readText(path: string): Promise<string | undefined>;
  /** The files of one model sub-folder. */
  folder(dir: string): FolderSource;
}

export const MODEL_INDEXES = ['fixtures.json', 'models.json'] as const;

export interface ListedModel {
  m: ModelManifest;
  /** Its sub-folder, relative to the models folder ('.' for the folder itself). */
  dir: string;
}

export interface ModelsIndex {
  /** Random-weight fixtures: their outputs are a plumbing check, never a result. */
  plumbingOnly: boolean;
  /** In index order, each manifest parsed and checked. */
  models: ListedModel[];
}

export async function readModelsIndex(f: ModelsFolder, where: string): Promise<ModelsIndex> {
  for (const name of MODEL_INDEXES) {
    const text = await f.readText(name);
    if (text === undefined) continue;
    let json: { plumbingOnly?: unknown; models?: unknown };
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${where}/${name}: not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(json?.models)) throw new ConfigError(`${where}/${name}: no "models" list`);
    const models: ListedModel[] = [];
    for (const e of json.models as { manifest?: unknown }[]) {
      if (typeof e?.manifest !== 'string')
        throw new ConfigError(`${where}/${name}: an entry has no "manifest" path`);
      const mt = await f.readText(e.manifest);
      if (mt === undefined) throw new ConfigError(`${where}/${e.manifest}: missing`);
      const dir = e.manifest.includes('/') ? e.manifest.slice(0, e.manifest.lastIndexOf('/')) : '.';
      let parsed: unknown;
      try {
        parsed = JSON.parse(mt);
      } catch (err) {
        throw new ConfigError(`${where}/${e.manifest}: not valid JSON (${(err as Error).message})`);
      }
      models.push({ m: parseManifest(parsed, `${where}/${e.manifest}`), dir });
    }
    return { plumbingOnly: json.plumbingOnly === true, models };
  }
  throw new ConfigError(
    `${where}: no ${MODEL_INDEXES.join(' or ')} (write offline test models with: autogenda fixtures --out DIR)`,
  );
}

/**
 * The page's side of the models worker: one worker for the page's life, so a download keeps going
 * while the user looks at other sections. Errors come back as the typed errors of core/errors.
 */
import * as Comlink from 'comlink';
import type { DownloadProgress } from '../../core/progress.ts';
import type { CachedFile, ModelsApi } from '../../pipeline/app/models-api.ts';
import type { ModelCheck } from '../../pipeline/check/result.ts';
import { revived } from '../../stages/worker-client.ts';

let remote: Comlink.Remote<ModelsApi> | undefined;

function api(): Comlink.Remote<ModelsApi> {
  remote ??= Comlink.wrap<ModelsApi>(
    new Worker(new URL('../../../workers/models.worker.ts', import.meta.url), {
      type: 'module',
      name: 'models',
    }),
  );
  return remote;
}

export const modelsWorker = {
  inspect: (): Promise<Record<string, CachedFile[]>> => revived(api().inspect()),
  download: (id: string, mirror: string | undefined, onProgress: (p: DownloadProgress) => void) =>
    revived(api().download(id, mirror, Comlink.proxy(onProgress))),
  cancel: (id: string): Promise<void> => revived(api().cancel(id)),
  clear: (id?: string): Promise<number> => revived(api().clear(id)),
  check: (id: string, photosBase: string): Promise<ModelCheck> => revived(api().check(id, photosBase)),
  checks: (): Promise<Record<string, ModelCheck>> => revived(api().checks()),
};

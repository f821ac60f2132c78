// The img2img (Stable Diffusion) stage in its own worker: DiffusionApi over Comlink.
import * as Comlink from 'comlink';
import { createDiffusionApi } from '../src/stages/img2img/worker-api.ts';

Comlink.expose(createDiffusionApi());

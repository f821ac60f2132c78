// The Models screen's worker: ModelsApi over Comlink (see src/pipeline/app/models-api.ts).
import * as Comlink from 'comlink';
import { createModelsApi } from '../src/pipeline/app/models-api.ts';

Comlink.expose(createModelsApi());

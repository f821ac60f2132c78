// The app's pipeline worker: PipelineApi over Comlink (see src/pipeline/app/pipeline-api.ts).
import * as Comlink from 'comlink';
import { createPipelineApi } from '../src/pipeline/app/pipeline-api.ts';

Comlink.expose(createPipelineApi());

// The embedder stage in its own worker: EmbedderApi over Comlink (see src/stages/worker-api.ts).
import * as Comlink from 'comlink';
import { createEmbedderApi } from '../src/stages/worker-api.ts';

Comlink.expose(createEmbedderApi());

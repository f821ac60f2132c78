// The backbone stage in its own worker: BackboneApi over Comlink (see src/stages/worker-api.ts).
import * as Comlink from 'comlink';
import { createBackboneApi } from '../src/stages/worker-api.ts';

Comlink.expose(createBackboneApi());

// The captioner stage in its own worker: CaptionerApi over Comlink (see src/stages/worker-api.ts).
import * as Comlink from 'comlink';
import { createCaptionerApi } from '../src/stages/worker-api.ts';

Comlink.expose(createCaptionerApi());

/**
 * Builds each stage from its manifest: open the model (fetch, sessions, tokenizer), check it is the
 * right task, and hand the sessions to the plain stage class. Workers call these; so can tests and
 * the CLI directly.
 */
import { ConfigError } from '../core/errors.ts';
import type { ModelManifest, Task } from '../models/manifest.ts';
import { type OpenedModel, type OpenOptions, openModel } from '../models/open.ts';
import { Backbone } from './backbone.ts';
import { Captioner } from './captioner/captioner.ts';
import { captionerRoles } from './captioner/roles.ts';
import { Embedder } from './embedder.ts';
import { backboneRoles, embedderRoles } from './roles.ts';

export interface Opened<S> {
  stage: S;
  model: OpenedModel;
}

function need<T>(m: ModelManifest, task: Task, v: T | undefined, what: string): T {
  if (m.task !== task) throw new ConfigError(`Model '${m.id}' is a ${m.task}, not a ${task}.`);
  if (v === undefined) throw new ConfigError(`Model '${m.id}' lacks ${what}.`);
  return v;
}

export async function openEmbedder(m: ModelManifest, o: OpenOptions): Promise<Opened<Embedder>> {
  const settings = need(m, 'embedder', m.embedder, 'embedder settings');
  const model = await openModel(m, { ...o, roles: embedderRoles(settings) });
  const tok = need(m, 'embedder', model.tokenizer, 'a tokenizer');
  return { stage: new Embedder(model.sessions.model, tok, settings), model };
}

export async function openBackbone(m: ModelManifest, o: OpenOptions): Promise<Opened<Backbone>> {
  const settings = need(m, 'backbone', m.backbone, 'backbone settings');
  const model = await openModel(m, { ...o, roles: backboneRoles(settings) });
  return { stage: new Backbone(model.sessions.model, settings), model };
}

export async function openCaptioner(m: ModelManifest, o: OpenOptions): Promise<Opened<Captioner>> {
  const settings = need(m, 'captioner', m.captioner, 'captioner settings');
  const model = await openModel(m, {
    ...o,
    roles: captionerRoles(settings),
    keepOutputs: (role, out) => role === 'decoder' && out.startsWith('present'),
  });
  const tok = need(m, 'captioner', model.tokenizer, 'a tokenizer');
  const s = model.sessions;
  return {
    stage: new Captioner(
      { decoder: s.decoder, encoder: s.encoder, vision: s.vision, embed: s.embed },
      tok,
      settings,
    ),
    model,
  };
}

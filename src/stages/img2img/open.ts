/**
 * From an img2img manifest to a ready pipeline: check this machine can hold the variant
 * (src/models/preflight.ts: wasm heap, shader-f16, buffer limits, WebGPU-only), fetch the four graphs
 * and the tokenizer, inject textual-inversion tokens into the tokenizer and the text encoder's bytes
 * before its session is created, make the VAE encoder's sampling a seeded input, then one session per
 * role, bound to the roles Img2Img needs (roles.ts; differences from the manifest are warnings).
 * Sessions are created one after another with ORT's low-memory options, each graph's bytes released
 * once its session exists.
 */
import { ConfigError } from '../../core/errors.ts';
import { fetchModel } from '../../models/fetch.ts';
import type { ModelManifest } from '../../models/manifest.ts';
import { countRuns, type OpenOptions } from '../../models/open.ts';
import { assertFits, fitEnvironment } from '../../models/preflight.ts';
import { TextTokenizer } from '../../models/tokenizer.ts';
import { bindSession } from '../../ort/bound-session.ts';
import type { Ep } from '../../ort/ep.ts';
import { OrtSession, type SessionLike } from '../../ort/session.ts';
import { Img2Img } from './pipeline.ts';
import { IMG2IMG_ROLES } from './roles.ts';
import type { SchedulerConfig } from './schedulers/index.ts';
import { injectTextualInversion } from './textual-inversion.ts';
import type { TokenEmbedding } from './ti-file.ts';
import { seedVaeNoise, withNoiseInput } from './vae-noise.ts';

export const ROLES = ['textEncoder', 'unet', 'vaeEncoder', 'vaeDecoder'] as const;

export interface OpenImg2ImgOptions extends OpenOptions {
  embeddings?: TokenEmbedding[];
}

export interface OpenedImg2Img {
  stage: Img2Img;
  variant: string;
  ep: Ep;
  fallbackReason?: string;
  requests: number;
  sha256: Record<string, string>;
  /** Where the graphs differ from the manifest (the graphs were used as they are). */
  warnings: string[];
  /** Token → vector count of injected textual-inversion tokens (for expandPrompt). */
  tiVectors: Map<string, number>;
  dispose(): Promise<void>;
}

export async function openImg2Img(m: ModelManifest, o: OpenImg2ImgOptions): Promise<OpenedImg2Img> {
  const settings = m.img2img;
  if (m.task !== 'img2img' || !settings)
    throw new ConfigError(`Model '${m.id}' is a ${m.task}, not img2img.`);
  if (!m.tokenizer) throw new ConfigError(`Model '${m.id}' lacks a tokenizer.`);
  if (o.variant && !m.variants[o.variant])
    throw new ConfigError(`Model '${m.id}' has no variant '${o.variant}'.`);
  // Before any download: refuse, with sizes and limits, what cannot run here (wasm heap, GPU limits,
  // shader-f16, WebGPU-only models); picks the provider and variant that fit.
  const fit = assertFits(m, await fitEnvironment(o.ep), o.variant);
  const variant = fit.variant;
  // a WebGPU-only model never falls back to wasm; one that fits only on wasm never tries WebGPU
  const ep = fit.ep === 'wasm' ? 'wasm' : m.webgpuOnly ? 'webgpu' : o.ep;
  const { files, requests, sha256 } = await fetchModel(m, variant, o);
  const roles = m.variants[variant];
  let tokJson: unknown = JSON.parse(new TextDecoder().decode(files.get(m.tokenizer.json)));
  let tiVectors = new Map<string, number>();
  if (o.embeddings?.length) {
    const r = injectTextualInversion(tokJson, files.get(roles.textEncoder)!, o.embeddings);
    tokJson = r.tokenizerJson;
    files.set(roles.textEncoder, r.textEncoder);
    tiVectors = r.vectors;
  }
  const config = m.tokenizer.config
    ? JSON.parse(new TextDecoder().decode(files.get(m.tokenizer.config)))
    : {};
  const tokenizer = new TextTokenizer(tokJson, config, `${m.id} tokenizer`, m.tokenizer.pad);
  const raw: Partial<Record<(typeof ROLES)[number], OrtSession>> = {};
  const sessions: Partial<Record<(typeof ROLES)[number], SessionLike>> = {};
  const textRole: { of?: (graphName: string) => string } = {};
  const warnings: string[] = [];
  const dispose = () => Promise.all(Object.values(raw).map((s) => s.dispose())).then(() => undefined);
  try {
    for (const role of ROLES) {
      const file = roles[role];
      if (!file) throw new ConfigError(`Model '${m.id}' variant '${variant}' has no '${role}' graph.`);
      o.signal?.throwIfAborted();
      const ext = (m.files[file].externalData ?? []).map((p) => ({
        path: p.slice(p.lastIndexOf('/') + 1),
        data: files.get(p)!,
      }));
      const name = `${m.id} ${role} (${file})`;
      // the VAE encoder's in-graph sampling becomes a seeded input (vae-noise.ts)
      const vae = role === 'vaeEncoder' ? seedVaeNoise(files.get(file)!, `${m.id} ${file}`) : undefined;
      raw[role] = await OrtSession.create(vae?.model ?? files.get(file)!, {
        name,
        ep,
        lowMemory: true,
        externalData: ext.length ? ext : undefined,
        // the text states are fed to every UNet step: leave them on the GPU (asked by role name)
        keepOutputs:
          role === 'textEncoder' ? (n) => (textRole.of?.(n) ?? n) === 'last_hidden_state' : undefined,
        onRun: countRuns(o.calls, `img2img.${role}`),
      });
      const want = vae && m.sessions[role] ? withNoiseInput(m.sessions[role], vae) : m.sessions[role];
      const bound = bindSession(raw[role], name, IMG2IMG_ROLES[role], want);
      sessions[role] = bound.session;
      if (role === 'textEncoder') textRole.of = bound.outputRole;
      warnings.push(...bound.warnings);
      // ORT holds what it needs now: drop this graph's bytes before the next graph is compiled
      for (const p of [file, ...(m.files[file].externalData ?? [])]) files.delete(p);
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  const s = sessions as Record<(typeof ROLES)[number], SessionLike>;
  const unet = raw.unet as OrtSession;
  const stage = new Img2Img(
    {
      textEncoder: s.textEncoder,
      unet: s.unet,
      vaeEncoder: s.vaeEncoder,
      vaeDecoder: s.vaeDecoder,
      tokenizer,
      tiVectors,
    },
    {
      scheduler: settings.scheduler as SchedulerConfig,
      width: settings.width,
      height: settings.height,
      vaeScale: settings.vaeScale,
      steps: settings.steps,
      guidance: settings.guidance,
      strength: settings.strength,
      cfg: settings.cfg,
    },
  );
  return {
    stage,
    variant,
    ep: unet.ep,
    fallbackReason: unet.fallbackReason,
    requests,
    sha256,
    warnings,
    tiVectors,
    dispose,
  };
}

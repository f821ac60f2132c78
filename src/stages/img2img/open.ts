/**
 * From an img2img manifest to a ready pipeline: check the GPU can hold the variant (shader-f16,
 * buffer limits), fetch the four graphs and the tokenizer, inject textual-inversion tokens into the
 * tokenizer and the text encoder's bytes before its session is created, then one checked session
 * per role. Sessions are created one after another (peak memory: one graph being compiled).
 */
import { ConfigError } from '../../core/errors.ts';
import { fetchModel } from '../../models/fetch.ts';
import type { ModelManifest } from '../../models/manifest.ts';
import type { OpenOptions } from '../../models/open.ts';
import { TextTokenizer } from '../../models/tokenizer.ts';
import { type Ep, planEps } from '../../ort/ep.ts';
import { OrtSession } from '../../ort/session.ts';
import { type AdapterLike, checkAdapterFor } from './gpu-check.ts';
import { Img2Img } from './pipeline.ts';
import type { SchedulerConfig } from './schedulers/index.ts';
import { injectTextualInversion } from './textual-inversion.ts';
import type { TokenEmbedding } from './ti-file.ts';

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
  /** Token → vector count of injected textual-inversion tokens (for expandPrompt). */
  tiVectors: Map<string, number>;
  dispose(): Promise<void>;
}

const usesFp16 = (m: ModelManifest, variant: string) =>
  variant.includes('fp16') ||
  Object.values(m.sessions).some((s) => [...s.inputs, ...s.outputs].some((v) => v.dtype === 'float16'));

export async function openImg2Img(m: ModelManifest, o: OpenImg2ImgOptions): Promise<OpenedImg2Img> {
  const settings = m.img2img;
  if (m.task !== 'img2img' || !settings)
    throw new ConfigError(`Model '${m.id}' is a ${m.task}, not img2img.`);
  if (!m.tokenizer) throw new ConfigError(`Model '${m.id}' lacks a tokenizer.`);
  const plan = await planEps(o.ep ?? 'auto');
  const variant = o.variant ?? m.defaultVariant[plan.order[0] ?? 'wasm'];
  if (!m.variants[variant]) throw new ConfigError(`Model '${m.id}' has no variant '${variant}'.`);
  if (plan.order[0] === 'webgpu') {
    const adapter = (await navigator.gpu.requestAdapter()) as unknown as AdapterLike;
    checkAdapterFor(adapter, { fp16: usesFp16(m, variant), largestBuffer: settings.largestBuffer }, m.id);
  }
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
  const tokenizer = new TextTokenizer(tokJson, config, `${m.id} tokenizer`);
  const sessions: Partial<Record<(typeof ROLES)[number], OrtSession>> = {};
  const dispose = () => Promise.all(Object.values(sessions).map((s) => s.dispose())).then(() => undefined);
  try {
    for (const role of ROLES) {
      const file = roles[role];
      if (!file) throw new ConfigError(`Model '${m.id}' variant '${variant}' has no '${role}' graph.`);
      o.signal?.throwIfAborted();
      const ext = (m.files[file].externalData ?? []).map((p) => ({
        path: p.slice(p.lastIndexOf('/') + 1),
        data: files.get(p)!,
      }));
      sessions[role] = await OrtSession.create(files.get(file)!, {
        name: `${m.id} ${role} (${file})`,
        ep: o.ep,
        expect: m.sessions[role],
        externalData: ext.length ? ext : undefined,
        // the text states are fed to every UNet step: leave them on the GPU
        keepOutputs: role === 'textEncoder' ? (n) => n === 'last_hidden_state' : undefined,
      });
    }
  } catch (e) {
    await dispose();
    throw e;
  }
  const s = sessions as Record<(typeof ROLES)[number], OrtSession>;
  const stage = new Img2Img(
    {
      textEncoder: s.textEncoder,
      unet: s.unet,
      vaeEncoder: s.vaeEncoder,
      vaeDecoder: s.vaeDecoder,
      tokenizer,
    },
    {
      scheduler: settings.scheduler as SchedulerConfig,
      width: settings.width,
      height: settings.height,
      vaeScale: settings.vaeScale,
      steps: settings.steps,
      guidance: settings.guidance,
    },
  );
  return {
    stage,
    variant,
    ep: s.unet.ep,
    fallbackReason: s.unet.fallbackReason,
    requests,
    sha256,
    tiVectors,
    dispose,
  };
}

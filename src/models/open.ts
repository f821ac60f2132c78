/**
 * From a manifest to ready sessions: pick the dtype variant for the provider, fetch its files (cache,
 * download or local folder), create one checked ORT session per role, and read the tokenizer.
 */
import { ConfigError } from '../core/errors.ts';
import { type EpRequest, planEps } from '../ort/ep.ts';
import { OrtSession } from '../ort/session.ts';
import { type FetchedModel, type FetchModelOptions, fetchModel } from './fetch.ts';
import type { ModelManifest } from './manifest.ts';
import { TextTokenizer } from './tokenizer.ts';

export interface OpenOptions extends FetchModelOptions {
  ep?: EpRequest;
  /** A variant name from the manifest; default: the manifest's choice for the provider. */
  variant?: string;
  /** Session outputs to keep on the device (decoder caches). */
  keepOutputs?: (role: string, output: string) => boolean;
}

export interface OpenedModel {
  manifest: ModelManifest;
  variant: string;
  sessions: Record<string, OrtSession>;
  tokenizer?: TextTokenizer;
  /** Where it runs and, when not on WebGPU, why. */
  ep: 'webgpu' | 'wasm';
  fallbackReason?: string;
  fetched: Omit<FetchedModel, 'files'>;
  dispose(): Promise<void>;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export async function openModel(m: ModelManifest, o: OpenOptions): Promise<OpenedModel> {
  const plan = await planEps(o.ep ?? 'auto');
  const variant = o.variant ?? m.defaultVariant[plan.order[0] ?? 'wasm'];
  if (!m.variants[variant]) {
    throw new ConfigError(
      `Model '${m.id}' has no variant '${variant}' (has ${Object.keys(m.variants).join(', ')}).`,
    );
  }
  const { files, ...fetched } = await fetchModel(m, variant, o);
  const sessions: Record<string, OrtSession> = {};
  try {
    for (const [role, file] of Object.entries(m.variants[variant])) {
      o.signal?.throwIfAborted();
      const externalData = (m.files[file].externalData ?? []).map((p) => ({
        path: basename(p),
        data: files.get(p)!,
      }));
      sessions[role] = await OrtSession.create(files.get(file)!, {
        name: `${m.id} ${role} (${file})`,
        ep: o.ep,
        expect: m.sessions[role],
        externalData: externalData.length ? externalData : undefined,
        keepOutputs: o.keepOutputs ? (out) => o.keepOutputs!(role, out) : undefined,
      });
    }
  } catch (e) {
    await Promise.all(Object.values(sessions).map((s) => s.dispose()));
    throw e;
  }
  const tokenizer = m.tokenizer
    ? TextTokenizer.fromBytes(
        files.get(m.tokenizer.json)!,
        m.tokenizer.config ? files.get(m.tokenizer.config) : undefined,
        `${m.id} tokenizer`,
      )
    : undefined;
  const first = Object.values(sessions)[0];
  return {
    manifest: m,
    variant,
    sessions,
    tokenizer,
    ep: first.ep,
    fallbackReason: first.fallbackReason,
    fetched,
    dispose: async () => {
      await Promise.all(Object.values(sessions).map((s) => s.dispose()));
    },
  };
}

/**
 * From a manifest to ready sessions: pick the dtype variant for the provider, fetch its files (cache,
 * download or local folder), create one ORT session per role bound to the roles its stage declares
 * (the graph decides; differences from the manifest are warnings), and read the tokenizer.
 */
import { ConfigError } from '../core/errors.ts';
import type { SessionRoles } from '../ort/binding.ts';
import { bindSession } from '../ort/bound-session.ts';
import type { CallCounter } from '../ort/calls.ts';
import type { EpRequest } from '../ort/ep.ts';
import { OrtSession, type SessionLike } from '../ort/session.ts';
import { type FetchedModel, type FetchModelOptions, fetchModel } from './fetch.ts';
import type { ModelManifest } from './manifest.ts';
import { assertFits, fitEnvironment } from './preflight.ts';
import { TextTokenizer } from './tokenizer.ts';

export interface OpenOptions extends FetchModelOptions {
  ep?: EpRequest;
  /** A variant name from the manifest; default: the manifest's choice for the provider. */
  variant?: string;
  /** Session outputs to keep on the device (decoder caches). */
  keepOutputs?: (role: string, output: string) => boolean;
  /** Counts every session run as "<task>.<role>". */
  calls?: CallCounter;
  /** What the stage needs from each session (binding.ts); a session without roles is used as it is. */
  roles?: Record<string, SessionRoles>;
}

export interface OpenedModel {
  manifest: ModelManifest;
  variant: string;
  /** Bound to the stage's roles: fed and fetched by role name. */
  sessions: Record<string, SessionLike>;
  /** Where the graphs differ from the manifest (or were bound by type, or took manifest dims). */
  warnings: string[];
  tokenizer?: TextTokenizer;
  /** Where it runs and, when not on WebGPU, why. */
  ep: 'webgpu' | 'wasm';
  fallbackReason?: string;
  fetched: Omit<FetchedModel, 'files'>;
  dispose(): Promise<void>;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** A session's onRun that counts its runs under `key`, when counting. */
export const countRuns = (calls: CallCounter | undefined, key: string) =>
  calls ? (batch: number) => calls.add(key, batch) : undefined;

export async function openModel(m: ModelManifest, o: OpenOptions): Promise<OpenedModel> {
  if (o.variant && !m.variants[o.variant]) {
    throw new ConfigError(
      `Model '${m.id}' has no variant '${o.variant}' (has ${Object.keys(m.variants).join(', ')}).`,
    );
  }
  // Before any download: refuse, with sizes and limits, what cannot run here; pick the provider and
  // variant that fit (a WebGPU-only model never falls back to wasm).
  const fit = assertFits(m, await fitEnvironment(o.ep ?? 'auto'), o.variant);
  const variant = fit.variant;
  const ep = fit.ep === 'wasm' ? 'wasm' : m.webgpuOnly ? 'webgpu' : o.ep;
  const { files, ...fetched } = await fetchModel(m, variant, o);
  const raw: Record<string, OrtSession> = {};
  const sessions: Record<string, SessionLike> = {};
  const outputRole: Record<string, (graphName: string) => string> = {};
  const warnings: string[] = [];
  try {
    for (const [role, file] of Object.entries(m.variants[variant])) {
      o.signal?.throwIfAborted();
      const externalData = (m.files[file].externalData ?? []).map((p) => ({
        path: basename(p),
        data: files.get(p)!,
      }));
      const name = `${m.id} ${role} (${file})`;
      raw[role] = await OrtSession.create(files.get(file)!, {
        name,
        ep,
        externalData: externalData.length ? externalData : undefined,
        // asked at run time, after binding: by role name
        keepOutputs: o.keepOutputs
          ? (out) => o.keepOutputs!(role, outputRole[role]?.(out) ?? out)
          : undefined,
        onRun: countRuns(o.calls, `${m.task}.${role}`),
      });
      const bound = bindSession(raw[role], name, o.roles?.[role], m.sessions[role]);
      sessions[role] = bound.session;
      outputRole[role] = bound.outputRole;
      warnings.push(...bound.warnings);
    }
  } catch (e) {
    await Promise.all(Object.values(raw).map((s) => s.dispose()));
    throw e;
  }
  const tokenizer = m.tokenizer
    ? TextTokenizer.fromBytes(
        files.get(m.tokenizer.json)!,
        m.tokenizer.config ? files.get(m.tokenizer.config) : undefined,
        `${m.id} tokenizer`,
        m.tokenizer.pad,
      )
    : undefined;
  const first = Object.values(raw)[0];
  return {
    manifest: m,
    variant,
    sessions,
    warnings,
    tokenizer,
    ep: first.ep,
    fallbackReason: first.fallbackReason,
    fetched,
    dispose: async () => {
      await Promise.all(Object.values(raw).map((s) => s.dispose()));
    },
  };
}

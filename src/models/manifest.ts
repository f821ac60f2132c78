/**
 * Model manifests (models/*.json): where a model's files come from, their sizes and hashes, which
 * file each session uses per dtype variant, the graphs' inputs/outputs, and task settings. The code
 * never hard-codes a repo; a manifest is untrusted JSON, so it is checked field by field.
 */
import { ConfigError } from '../core/errors.ts';
import { DTYPES, type ValueSpec } from '../ort/types.ts';

export type Task = 'embedder' | 'backbone' | 'captioner' | 'img2img';

/** Every task, in the order of a run (and of the Models screen). */
export const TASKS: readonly Task[] = ['captioner', 'embedder', 'img2img', 'backbone'];

/** Hub repo at a revision, a base URL, or a folder the user points at (files read in place). */
export type Source = { hub: string; revision: string } | { url: string } | { local: string };

/**
 * Where one file comes from when not from the model's source (SD exports ship no tokenizer.json, so
 * it is taken from a CLIP repo): a hub repo at a revision, the file at `path` there (default: the
 * same path as in `files`), or the file's full URL. Cached under the model like its other files.
 */
export type FileSource = { hub: string; revision: string; path?: string } | { url: string };

export interface FileEntry {
  /** Bytes; verified after download when given. */
  size?: number;
  /** Lower-case hex; verified after download when given, recorded on first download when not. */
  sha256?: string;
  /** External-data files this graph loads (`model.onnx_data`), by path in `files`. */
  externalData?: string[];
  /** Fetch this file from elsewhere (see FileSource); a mirror (`baseUrl`) still serves it by its path. */
  source?: FileSource;
}

export interface ImagePreprocess {
  /** 'shortest' scales the shorter side to `size` (aspect kept); 'exact' resizes to width×height. */
  resize: { shortestEdge: number } | { width: number; height: number };
  resample: 'bicubic' | 'bilinear' | 'lanczos';
  crop?: { width: number; height: number };
  rescale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export interface EmbedderSettings {
  dim: number;
  maxLength: number;
  /** Name of the per-token output (last_hidden_state or token_embeddings). */
  output: string;
}

export interface BackboneSettings {
  /** [B, D, h, w] outputs are averaged over h·w (hf layout); [B, D, 1, 1] is already pooled. */
  input: string;
  output: string;
  dim: number;
  preprocess: ImagePreprocess;
}

export interface CaptionerSettings {
  layout: 'encoder-decoder' | 'vision-embed-decoder';
  preprocess: ImagePreprocess;
  /** Tokens that start decoding (encoder–decoder), e.g. GPT-2's <|endoftext|>. */
  decoderStart?: number[];
  eos: number[];
  /** vision-embed-decoder: the chat text around the image; '{prefix}' is where the caption starts. */
  prompt?: string;
  /** vision-embed-decoder: the image placeholder token, repeated once per image feature row. */
  imageToken?: string;
  maxNewTokens: number;
}

/** Stable Diffusion img2img (src/stages/img2img): roles textEncoder, unet, vaeEncoder, vaeDecoder. */
export interface Img2ImgManifestSettings {
  /** The contents of diffusers' scheduler/scheduler_config.json (copied in, so nothing extra to fetch). */
  scheduler: Record<string, unknown>;
  /** Model resolution (multiples of 8): 512 for SD v1.x and SD-Turbo. */
  width: number;
  height: number;
  vaeScale?: number;
  /**
   * The model's generation defaults, used when the user sets none (SD v1.x: 50 steps, guidance 7.5,
   * strength 0.5; SD-Turbo: 1 step, no guidance). A run's own settings override them.
   */
  steps?: number;
  guidance?: number;
  strength?: number;
  /**
   * false: the model was trained without classifier-free guidance (SD-Turbo), so any guidance the user
   * asks for is ignored with a note instead of doubling every UNet call. Default true.
   */
  cfg?: boolean;
  /** Largest single weight buffer in bytes, checked against the GPU's limits before loading. */
  largestBuffer?: number;
}

export interface ModelManifest {
  id: string;
  task: Task;
  description?: string;
  license?: string;
  source: Source;
  files: Record<string, FileEntry>;
  /** variant name ('fp32', 'fp16', 'q8') → session role → graph file in `files`. */
  variants: Record<string, Record<string, string>>;
  /** Variant per execution provider when the user names none. */
  defaultVariant: { webgpu: string; wasm: string };
  /**
   * Why the model runs on WebGPU only (e.g. fp16 fusion ops without CPU kernels, and fp32 would not
   * fit the wasm heap); when set, openers never fall back to wasm and the preflight says so.
   */
  webgpuOnly?: string;
  /** Per session role: what the graph must look like ('*' in names matches a run of characters). */
  sessions: Record<string, { inputs: ValueSpec[]; outputs: ValueSpec[] }>;
  /**
   * tokenizer.json, its tokenizer_config.json (pad token), and `pad`: the pad token by name when it
   * must differ from the config's (SD-Turbo pads with '!' as the SD-2 family does).
   */
  tokenizer?: { json: string; config?: string; pad?: string };
  embedder?: EmbedderSettings;
  backbone?: BackboneSettings;
  captioner?: CaptionerSettings;
  img2img?: Img2ImgManifestSettings;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of an untrusted manifest; throws ConfigError naming the field and what to fix. */
export function parseManifest(json: unknown, where = 'manifest'): ModelManifest {
  const fail = (msg: string): never => {
    throw new ConfigError(`${where}: ${msg}`);
  };
  if (!isObj(json)) fail('must be a JSON object');
  const m = json as unknown as ModelManifest;
  if (typeof m.id !== 'string' || !/^[\w.-]+$/.test(m.id)) fail('id must be letters, digits, . _ -');
  if (!TASKS.includes(m.task)) fail(`task '${m.task}' is not known`);
  const s = m.source as Record<string, unknown>;
  if (!isObj(s) || !(typeof s.hub === 'string' || typeof s.url === 'string' || typeof s.local === 'string')) {
    fail('source needs one of hub (+ revision), url or local');
  }
  if (typeof s.hub === 'string' && typeof s.revision !== 'string') fail('a hub source needs a revision');
  if (!isObj(m.files)) fail('files must map paths to {size, sha256}');
  for (const [p, entry] of Object.entries(m.files as Record<string, unknown>)) {
    if (badPath(p)) fail(`bad file path '${p}'`);
    if (!isObj(entry)) fail(`files['${p}'] must be an object`);
    const f = entry as FileEntry;
    if (f.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(f.sha256)))
      fail(`files['${p}'].sha256 is not hex`);
    if (f.size !== undefined && !(Number.isInteger(f.size) && f.size >= 0)) fail(`files['${p}'].size`);
    if (f.externalData !== undefined && !Array.isArray(f.externalData)) fail(`files['${p}'].externalData`);
    for (const x of f.externalData ?? []) if (!(x in m.files)) fail(`external data '${x}' is not in files`);
    if (f.source !== undefined) {
      const problem = fileSourceProblem(f.source);
      if (problem) fail(`files['${p}'].source ${problem}`);
    }
  }
  if (!isObj(m.sessions) || Object.keys(m.sessions).length === 0) fail('sessions must name at least one');
  for (const [role, sig] of Object.entries(m.sessions)) {
    for (const v of [...(sig.inputs ?? []), ...(sig.outputs ?? [])]) {
      if (typeof v.name !== 'string' || !DTYPES.includes(v.dtype) || !Array.isArray(v.shape)) {
        fail(`sessions.${role}: each input/output needs name, dtype (${DTYPES.join('|')}) and shape`);
      }
    }
  }
  if (!isObj(m.variants) || Object.keys(m.variants).length === 0) fail('variants must name at least one');
  for (const [name, roles] of Object.entries(m.variants)) {
    for (const role of Object.keys(m.sessions)) {
      const file = roles[role];
      if (!file || !(file in m.files)) fail(`variant '${name}' has no file in files for session '${role}'`);
    }
  }
  for (const ep of ['webgpu', 'wasm'] as const) {
    if (!(m.defaultVariant?.[ep] in m.variants)) fail(`defaultVariant.${ep} must name a variant`);
  }
  if (m.webgpuOnly !== undefined && (typeof m.webgpuOnly !== 'string' || m.webgpuOnly.trim() === ''))
    fail('webgpuOnly must be the reason, as text');
  if (m.tokenizer && !(m.tokenizer.json in m.files)) fail(`tokenizer '${m.tokenizer.json}' is not in files`);
  if (m.tokenizer?.pad !== undefined && typeof m.tokenizer.pad !== 'string')
    fail('tokenizer.pad must be a token string');
  if (!m[m.task]) fail(`a ${m.task} manifest needs its '${m.task}' settings`);
  return m;
}

const badPath = (p: string) => p.startsWith('/') || p.split('/').some((seg) => seg === '..' || seg === '');

/** What is wrong with an untrusted per-file source, or undefined when it is fine. */
function fileSourceProblem(src: unknown): string | undefined {
  if (!isObj(src)) return 'must be an object with hub (+ revision) or url';
  const keys = Object.keys(src);
  const extra = keys.filter((k) => !['hub', 'revision', 'path', 'url'].includes(k));
  if (extra.length) return `has unknown field(s) ${extra.join(', ')}`;
  if ('url' in src) {
    if (keys.length !== 1) return 'with url takes no hub, revision or path';
    if (typeof src.url !== 'string') return 'url must be a string';
    let u: URL;
    try {
      u = new URL(src.url);
    } catch {
      return `url '${src.url}' is not an absolute URL`;
    }
    return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : 'url must be http(s)';
  }
  if (typeof src.hub !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(src.hub))
    return "needs hub 'owner/name' or url";
  if (typeof src.revision !== 'string' || src.revision === '') return 'with hub needs a revision';
  if (src.path !== undefined && (typeof src.path !== 'string' || badPath(src.path)))
    return `path '${String(src.path)}' is not a relative file path`;
  return undefined;
}

/** Every file one variant needs: its graphs, their external data, the tokenizer files. */
export function filesFor(m: ModelManifest, variant: string): string[] {
  const roles = m.variants[variant];
  if (!roles)
    throw new ConfigError(`Model '${m.id}' has no variant '${variant}' (has ${Object.keys(m.variants)}).`);
  const out = new Set<string>();
  for (const f of Object.values(roles)) {
    out.add(f);
    for (const x of m.files[f]?.externalData ?? []) out.add(x);
  }
  if (m.tokenizer) {
    out.add(m.tokenizer.json);
    if (m.tokenizer.config) out.add(m.tokenizer.config);
  }
  return [...out];
}

/**
 * The app's model registry (bundled manifests), the Models screen's pure rules (cache state, sizes,
 * storage quota, run choice, picked folders) and the cache-backed models folder a run opens.
 */
import { describe, expect, it } from 'vitest';
import {
  backboneFixture,
  diffusionFixture,
  embedderFixture,
  type FixturePackage,
  vitGpt2Fixture,
} from '../../models/fixtures/index.ts';
import { ConfigError, ModelIntegrityError } from '../../src/core/errors.ts';
import type { DownloadProgress } from '../../src/core/progress.ts';
import { TASKS } from '../../src/models/manifest.ts';
import {
  downloadFiles,
  knownBytes,
  makeRegistry,
  mirrorBase,
  mirrorProblem,
} from '../../src/models/registry.ts';
import { MemoryStore } from '../../src/models/store.ts';
import type { PickedFile } from '../../src/pipeline/app/contract.ts';
import { bundledRegistry } from '../../src/pipeline/app/model-registry.ts';
import { cacheModelsFolder, checkPickedFolder, downloadToCache } from '../../src/pipeline/app/models.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';
import { pickedFolder } from '../../src/ui/app/picked-folder.ts';
import { formatBytes } from '../../src/ui/format.ts';
import { cacheSummary, pinned, sizeText, stateText } from '../../src/ui/models/cache-status.ts';
import { quotaVerdict } from '../../src/ui/models/quota.ts';
import { cacheChoice, cacheLabel, localLabel } from '../../src/ui/models/run-choice.ts';

const MiB = 1 << 20;

describe('bundled registry', () => {
  const reg = bundledRegistry();

  it('parses every models/*.json, at least one model per task, sorted by task then id', () => {
    expect(reg.all.length).toBeGreaterThanOrEqual(4);
    for (const t of TASKS) expect(reg.byTask(t).length).toBeGreaterThan(0);
    const order = reg.all.map((m) => `${TASKS.indexOf(m.task)} ${m.id}`);
    expect(order).toEqual([...order].sort());
    expect(reg.get('all-minilm-l6-v2')?.task).toBe('embedder');
    expect(reg.get('nope')).toBeUndefined();
  });

  it('downloads the WebGPU and wasm default variants only', () => {
    const minilm = reg.get('all-minilm-l6-v2')!;
    expect(downloadFiles(minilm).sort()).toEqual([
      'onnx/model.onnx',
      'onnx/model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const sd = reg.get('sd-v1-5')!;
    expect(downloadFiles(sd)).toContain('unet/weights.pb'); // external data comes along
    expect(knownBytes(minilm)).toBeUndefined(); // sizes are recorded on first download
  });

  it('refuses duplicate ids and bad manifests, naming where', async () => {
    const p = await embedderFixture();
    expect(() => makeRegistry({ 'a.json': p.manifest, 'b.json': p.manifest })).toThrow(/b\.json.*twice/);
    expect(() => makeRegistry({ 'bad.json': { id: 'x' } })).toThrow(ConfigError);
  });

  it('mirror URLs: <mirror>/<id>, http(s) only', () => {
    expect(mirrorBase('http://127.0.0.1:9/m/', 'sd-turbo')).toBe('http://127.0.0.1:9/m/sd-turbo');
    expect(mirrorProblem('')).toBeUndefined();
    expect(mirrorProblem('https://models.example.org/x')).toBeUndefined();
    expect(mirrorProblem('models.example.org')).toMatch(/absolute URL/);
    expect(mirrorProblem('ftp://x/y')).toMatch(/http/);
    expect(mirrorProblem('https://x/y?a=1')).toMatch(/query/);
  });
});

describe('cache state and sizes', () => {
  it('none / partial / cached from per-file facts', async () => {
    const p = await embedderFixture();
    const m = p.manifest;
    const paths = downloadFiles(m);
    const none = cacheSummary(
      m,
      paths.map((path) => ({ path, size: m.files[path].size, held: 0 })),
    );
    expect(none.state).toBe('none');
    expect(stateText(none)).toBe('not cached');
    expect(sizeText(m, none)).toBe(formatBytes(knownBytes(m)!));
    const partial = cacheSummary(
      m,
      paths.map((path, i) => ({
        path,
        held: i === 0 ? 10 : 0,
        complete: undefined,
      })),
    );
    expect(partial.state).toBe('partial');
    expect(stateText(partial)).toMatch(/partly cached: 0 of 3 files, 10 B held/);
    const done = cacheSummary(
      m,
      paths.map((path) => ({ path, held: m.files[path].size!, complete: m.files[path].size! })),
    );
    expect(done.state).toBe('cached');
    expect(stateText(done)).toBe('cached in this browser (3 files)');
    expect(pinned(m)).toBe(true); // fixtures pin every sha256; the bundled manifests not yet
    expect(pinned(bundledRegistry().get('sd-turbo')!)).toBe(false);
    expect(done.total).toBe(knownBytes(m));
  });

  it('a manifest without sizes says so until every file is downloaded', () => {
    const m = bundledRegistry().get('resnet-50-owg')!;
    const before = cacheSummary(m, [{ path: 'onnx/model.onnx', held: 0 }]);
    expect(sizeText(m, before)).toBe('size recorded on first download');
    const after = cacheSummary(m, [{ path: 'onnx/model.onnx', held: 3 * MiB, complete: 3 * MiB }]);
    expect(sizeText(m, after)).toBe('3 MiB (as downloaded)');
  });

  it('storage quota: refuses a known size that does not fit, says so when unknown', () => {
    const est = { usage: 1 * MiB, quota: 11 * MiB };
    expect(quotaVerdict(4 * MiB, est)).toEqual({
      fits: true,
      text: 'Needs 4 MiB of the 10 MiB this browser lets the app store.',
    });
    expect(quotaVerdict(20 * MiB, est).fits).toBe(false);
    expect(quotaVerdict(20 * MiB, est).text).toMatch(/only 10 MiB more/);
    expect(quotaVerdict(undefined, est)).toMatchObject({
      fits: true,
      text: expect.stringMatching(/unknown.*10 MiB/),
    });
    expect(quotaVerdict(undefined, undefined).fits).toBe(true);
  });

  it('run choice: every task needs a cached pick', () => {
    const ids = { captioner: 'c', embedder: 'e', img2img: 'i', backbone: 'b' };
    expect(cacheChoice(ids, new Set(['c', 'e', 'i', 'b']))).toEqual({ ids });
    expect(cacheChoice({ ...ids, img2img: undefined }, new Set(['c', 'e', 'b']))).toEqual({
      missing: ['img2img'],
    });
    expect(cacheChoice(ids, new Set(['c']))).toEqual({ missing: ['embedder', 'img2img', 'backbone'] });
    expect(cacheLabel(ids)).toBe('downloaded models: c (captioner), e (embedder), i (img2img), b (backbone)');
    expect(localLabel('fx', true)).toMatch(/random-weight/);
    expect(localLabel('fx', false)).toBe("local folder 'fx'");
  });
});

// ------------------------------------------------------------------------------------------------

let packages: Promise<FixturePackage[]> | undefined;
const fixtures = () =>
  (packages ??= Promise.all([
    vitGpt2Fixture(),
    embedderFixture(),
    diffusionFixture(),
    backboneFixture('hf'),
  ]));

/** The folder `autogenda fixtures` writes, as picked files. */
async function fixtureFolder(index = 'fixtures.json'): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const enc = new TextEncoder();
  const add = (path: string, data: Uint8Array) =>
    out.push({ path, file: new File([data as Uint8Array<ArrayBuffer>], path.split('/').pop()!) });
  for (const p of await fixtures()) {
    for (const [path, data] of p.files) add(`${p.manifest.id}/${path}`, data);
    add(`${p.manifest.id}/manifest.json`, enc.encode(JSON.stringify(p.manifest)));
  }
  const models = (await fixtures()).map((p) => ({
    id: p.manifest.id,
    task: p.manifest.task,
    manifest: `${p.manifest.id}/manifest.json`,
  }));
  add(index, enc.encode(JSON.stringify({ plumbingOnly: true, models })));
  return out;
}

describe('checking a picked models folder', () => {
  it('accepts the fixtures folder and names the model per task', async () => {
    const check = await checkPickedFolder(await fixtureFolder());
    expect(check.problems).toEqual([]);
    expect(check.index).toBe('fixtures.json');
    expect(check.plumbingOnly).toBe(true);
    expect(check.models.map((m) => m.task)).toEqual([...TASKS]);
    expect(check.models.find((m) => m.task === 'embedder')?.id).toBe('tiny-minilm');
  });

  it('says what is missing: the index, a task, a manifest, a file, a size', async () => {
    expect((await checkPickedFolder([])).problems[0]).toMatch(/No fixtures\.json or models\.json/);
    const nested = (await fixtureFolder()).map((f) => ({ ...f, path: `inner/${f.path}` }));
    expect((await checkPickedFolder(nested)).problems[0]).toMatch(/pick the folder 'inner' instead/);

    const files = await fixtureFolder('models.json');
    const noUnet = files.filter((f) => !f.path.endsWith('unet/model.onnx'));
    const p1 = (await checkPickedFolder(noUnet)).problems;
    expect(p1).toHaveLength(1);
    expect(p1[0]).toMatch(/^img2img 'tiny-sd-.*' is missing tiny-sd-.*\/unet\/model\.onnx\.$/);

    const noManifest = files.filter((f) => !f.path.endsWith('tiny-minilm/manifest.json'));
    expect((await checkPickedFolder(noManifest)).problems).toEqual([
      "embedder: the manifest 'tiny-minilm/manifest.json' named in models.json is missing.",
    ]);

    const resized = files.map((f) =>
      f.path === 'tiny-minilm/tokenizer.json' ? { ...f, file: new File(['{}'], 'tokenizer.json') } : f,
    );
    expect((await checkPickedFolder(resized)).problems[0]).toMatch(/tokenizer\.json is 2 bytes, not \d+/);

    const index = files.find((f) => f.path === 'models.json')!;
    const json = JSON.parse(await index.file.text());
    json.models = json.models.filter((m: { task: string }) => m.task !== 'backbone');
    const noBackbone = files.map((f) =>
      f === index ? { ...f, file: new File([JSON.stringify(json)], 'models.json') } : f,
    );
    expect((await checkPickedFolder(noBackbone)).problems).toEqual(['models.json lists no backbone model.']);

    const broken = files.map((f) => (f === index ? { ...f, file: new File(['{'], 'models.json') } : f));
    expect((await checkPickedFolder(broken)).problems[0]).toMatch(/models\.json is not valid JSON/);
  });

  it('files only the wasm fallback needs are a note, not a problem', async () => {
    const files = await fixtureFolder();
    const at = files.findIndex((f) => f.path === 'tiny-minilm/manifest.json');
    const m = JSON.parse(await files[at].file.text());
    m.files['onnx/model_quantized.onnx'] = {};
    m.variants.q8 = { model: 'onnx/model_quantized.onnx' };
    m.defaultVariant.wasm = 'q8';
    files[at] = { ...files[at], file: new File([JSON.stringify(m)], 'manifest.json') };
    const check = await checkPickedFolder(files);
    expect(check.problems).toEqual([]);
    expect(check.notes).toEqual([
      "embedder 'tiny-minilm' runs on WebGPU only: the wasm fallback's files are missing or wrong " +
        '(tiny-minilm/onnx/model_quantized.onnx).',
    ]);
  });

  it('webkitdirectory paths lose the picked folder name', () => {
    const file = (rel: string) => Object.assign(new File(['x'], rel.split('/').pop()!), {}) as File;
    const withRel = (rel: string) => {
      const f = file(rel);
      Object.defineProperty(f, 'webkitRelativePath', { value: rel });
      return f;
    };
    const got = pickedFolder(
      [withRel('fx/fixtures.json'), withRel('fx/tiny-minilm/onnx/model.onnx')],
      'picked folder',
    );
    expect(got.name).toBe('fx');
    expect(got.files.map((f) => f.path)).toEqual(['fixtures.json', 'tiny-minilm/onnx/model.onnx']);
  });
});

// ------------------------------------------------------------------------------------------------

/** A mirror in memory: `<base>/<id>/<path>`, with a request log and optional corruption. */
function mirrorFetch(pkgs: FixturePackage[], base: string, corrupt?: string) {
  const log: string[] = [];
  const files = new Map<string, Uint8Array>();
  for (const p of pkgs)
    for (const [path, data] of p.files) files.set(`${base}/${p.manifest.id}/${path}`, data);
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    log.push(url);
    const body = files.get(url);
    if (!body) return new Response('not found', { status: 404 });
    const bytes = new Uint8Array(body); // a copy (fixture files may be Buffers, whose slice() is a view)
    if (corrupt && url.endsWith(corrupt)) bytes[0] ^= 0xff;
    return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
  return { fetch: fetchFn, log };
}

describe('the cache as a models folder', () => {
  const BASE = 'http://mirror.test/models';

  it('downloads into the store with per-file and total progress, then opens every stage from it', async () => {
    const pkgs = await fixtures();
    const registry = makeRegistry(Object.fromEntries(pkgs.map((p) => [p.manifest.id, p.manifest])));
    const store = new MemoryStore();
    const { fetch, log } = mirrorFetch(pkgs, BASE);
    const events: DownloadProgress[] = [];
    const emb = registry.get('tiny-minilm')!;
    const r = await downloadToCache(store, emb, downloadFiles(emb), {
      mirror: BASE,
      fetch,
      onProgress: (p) => events.push(p),
    });
    expect(r.requests).toBe(3);
    expect(log.every((u) => u.startsWith(`${BASE}/tiny-minilm/`))).toBe(true);
    const total = events.filter((e) => e.file === 'tiny-minilm').at(-1)!;
    expect(total).toMatchObject({ loaded: knownBytes(emb), total: knownBytes(emb) });
    expect(events.some((e) => e.file === 'tiny-minilm/onnx/model.onnx')).toBe(true);
    expect(r.files['onnx/model.onnx'].sha256).toBe(emb.files['onnx/model.onnx'].sha256);
    // Cached files cost no request.
    expect((await downloadToCache(store, emb, downloadFiles(emb), { mirror: BASE, fetch })).requests).toBe(0);

    const ids = Object.fromEntries(pkgs.map((p) => [p.manifest.task, p.manifest.id])) as never;
    const folder = await cacheModelsFolder({ kind: 'cache', ids, mirror: BASE }, { store, registry, fetch });
    const index = JSON.parse((await folder.readText('models.json'))!);
    expect(index.plumbingOnly).toBe(false);
    expect(await folder.readText('fixtures.json')).toBeUndefined();
    expect(JSON.parse((await folder.readText('tiny-minilm/manifest.json'))!).id).toBe('tiny-minilm');
    expect(await folder.folder('tiny-minilm').read('not/in/manifest')).toBeUndefined();

    // The others are not cached yet: opening them downloads what they read.
    const before = log.length;
    const stages = await openStages(folder, 'cache', { ep: 'wasm' });
    try {
      expect(stages.ids).toEqual(ids);
      expect(stages.plumbingOnly).toBe(false);
      expect(log.slice(before).some((u) => u.includes('/tiny-minilm/'))).toBe(false); // from the store
      expect(log.length).toBeGreaterThan(before);
    } finally {
      await stages.dispose();
    }
  }, 120_000);

  it('refuses a file that fails its sha256, and ids it does not know or of the wrong task', async () => {
    const pkgs = await fixtures();
    const registry = makeRegistry(Object.fromEntries(pkgs.map((p) => [p.manifest.id, p.manifest])));
    const { fetch } = mirrorFetch(pkgs, BASE, 'onnx/model.onnx');
    const emb = registry.get('tiny-minilm')!;
    await expect(
      downloadToCache(new MemoryStore(), emb, ['onnx/model.onnx'], { mirror: BASE, fetch }),
    ).rejects.toBeInstanceOf(ModelIntegrityError);

    const ids = Object.fromEntries(pkgs.map((p) => [p.manifest.task, p.manifest.id])) as Record<
      string,
      string
    >;
    const store = new MemoryStore();
    await expect(
      cacheModelsFolder({ kind: 'cache', ids: { ...ids, embedder: 'nope' } as never }, { store, registry }),
    ).rejects.toThrow(/No embedder model chosen that this app knows \('nope'\)/);
    await expect(
      cacheModelsFolder(
        { kind: 'cache', ids: { ...ids, embedder: ids.backbone } as never },
        { store, registry },
      ),
    ).rejects.toThrow(/is a backbone model, chosen as the embedder/);
  });
});

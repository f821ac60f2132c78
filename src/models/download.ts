/**
 * Downloads one model file into a ModelStore: streamed (multi-GB files never sit in memory whole),
 * hashed incrementally, resumed with an HTTP Range request after an interruption (within the call,
 * and across calls since the partial stays in the store), verified, then committed. An aborted or
 * failed download is never marked complete.
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import { CancelledError, DownloadError, ModelIntegrityError, QuotaExceededError } from '../core/errors.ts';
import type { ModelStore, PartialWriter, StoredMeta } from './store.ts';

export interface DownloadOptions {
  url: string;
  key: string;
  /** Shown in messages and progress; defaults to the key. */
  label?: string;
  size?: number;
  sha256?: string;
  signal?: AbortSignal;
  /** Bytes of this file so far; `total` is 0 when unknown. Never decreases within one attempt. */
  onProgress?: (loaded: number, total: number) => void;
  fetch?: typeof fetch;
  /** Network interruptions resumed within this call before giving up (default 3). */
  retries?: number;
  /** Re-hash a cached file before trusting it (default true when a sha256 is known). */
  verifyCached?: boolean;
}

export interface DownloadResult {
  meta: StoredMeta;
  fromCache: boolean;
  /** HTTP requests this call made. */
  requests: number;
}

const aborted = (signal?: AbortSignal) =>
  signal?.aborted ? new CancelledError('Download cancelled; it resumes where it stopped.') : null;

async function hashStored(store: ModelStore, key: string, partial: boolean): Promise<IHasher> {
  const h = await createSHA256();
  h.init();
  if (partial) for await (const c of store.readPartial(key)) h.update(c);
  else h.update(await store.read(key));
  return h;
}

export async function downloadFile(store: ModelStore, o: DownloadOptions): Promise<DownloadResult> {
  const label = o.label ?? o.key;
  const doFetch = o.fetch ?? fetch;
  const cached = await store.meta(o.key);
  if (cached && isCurrent(cached, o)) {
    const verify = o.verifyCached ?? Boolean(o.sha256);
    if (!verify || (await hashStored(store, o.key, false)).digest('hex') === cached.sha256) {
      o.onProgress?.(cached.size, cached.size);
      return { meta: cached, fromCache: true, requests: 0 };
    }
  }
  if (cached) await store.delete(o.key); // stale or corrupted on disk: fetch again

  let requests = 0;
  let retriesLeft = o.retries ?? 3;
  let integrityRetry = true;
  for (;;) {
    const stop = aborted(o.signal);
    if (stop) throw stop;
    let have = await store.partialSize(o.key);
    if (o.size !== undefined && have > o.size) {
      await store.delete(o.key);
      have = 0;
    }
    const hasher = await hashStored(store, o.key, true);
    const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
    let res: Response;
    try {
      requests++;
      res = await doFetch(o.url, { headers, signal: o.signal, cache: 'no-store' });
    } catch (e) {
      if (aborted(o.signal)) throw aborted(o.signal)!;
      if (retriesLeft-- > 0) continue;
      throw new DownloadError(
        `${label}: could not reach ${o.url} (${(e as Error).message}). Check the connection.`,
      );
    }
    let total = o.size ?? 0;
    if (res.status === 416 && have > 0) {
      await res.body?.cancel();
      // The server has nothing past what we hold: verify what we have.
    } else if (res.status === 206 || res.status === 200) {
      const start = res.status === 206 ? rangeStart(res) : 0;
      if (start !== have) {
        // The server ignored or misread our Range: start over from byte 0.
        hasher.init();
        have = 0;
        if (start !== 0) {
          await res.body?.cancel();
          await store.delete(o.key);
          continue;
        }
      }
      const len = Number(res.headers.get('content-length') ?? Number.NaN);
      if (!total && Number.isFinite(len)) total = have + len;
      const outcome = await streamInto(store, o, res, have, total, hasher);
      if (outcome === 'interrupted') {
        if (aborted(o.signal)) throw aborted(o.signal)!;
        if (retriesLeft-- > 0) continue;
        throw new DownloadError(`${label}: the connection kept dropping; run again to resume.`);
      }
    } else {
      await res.body?.cancel();
      throw new DownloadError(`${label}: ${o.url} answered HTTP ${res.status}. Check the model's source.`);
    }
    const size = await store.partialSize(o.key);
    const sha256 = hasher.digest('hex');
    const wrongSize = o.size !== undefined && size !== o.size;
    if (wrongSize || (o.sha256 && sha256 !== o.sha256)) {
      await store.delete(o.key);
      if (integrityRetry) {
        integrityRetry = false; // one clean re-fetch: the partial may have been damaged on disk
        continue;
      }
      throw new ModelIntegrityError(
        wrongSize
          ? `${label}: downloaded ${size} bytes, the manifest says ${o.size}. Check the model's source.`
          : `${label}: sha256 ${sha256} does not match the manifest's ${o.sha256}; the file was ` +
              'deleted. Check the model source (revision) or the manifest.',
      );
    }
    await store.commit(o.key, { size, sha256, url: o.url, savedAt: Date.now() });
    o.onProgress?.(size, size);
    return { meta: (await store.meta(o.key))!, fromCache: false, requests };
  }
}

function isCurrent(m: StoredMeta, o: DownloadOptions): boolean {
  return (!o.sha256 || m.sha256 === o.sha256) && (o.size === undefined || m.size === o.size);
}

function rangeStart(res: Response): number {
  const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : -1;
}

/** Appends the body; 'interrupted' when the connection broke (what arrived is kept). */
async function streamInto(
  store: ModelStore,
  o: DownloadOptions,
  res: Response,
  from: number,
  total: number,
  hasher: IHasher,
): Promise<'done' | 'interrupted'> {
  if (!res.body) throw new DownloadError(`${o.label ?? o.key}: empty response from ${o.url}.`);
  let writer: PartialWriter;
  try {
    writer = await store.openPartial(o.key, from);
  } catch (e) {
    throw storageError(e, o);
  }
  const reader = res.body.getReader();
  let loaded = from;
  o.onProgress?.(loaded, total);
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return 'interrupted';
      }
      if (chunk.done) return 'done';
      hasher.update(chunk.value);
      try {
        await writer.write(chunk.value);
      } catch (e) {
        throw storageError(e, o);
      }
      loaded += chunk.value.length;
      o.onProgress?.(loaded, Math.max(total, loaded));
    }
  } finally {
    reader.releaseLock();
    await writer.close();
  }
}

function storageError(e: unknown, o: DownloadOptions): Error {
  if ((e as Error)?.name === 'QuotaExceededError') {
    return new QuotaExceededError(
      `Not enough storage for ${o.label ?? o.key}${o.size ? ` (${o.size} bytes)` : ''}. ` +
        'Free space, or clear cached models you no longer use.',
    );
  }
  return e as Error;
}

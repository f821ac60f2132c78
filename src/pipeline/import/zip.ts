/**
 * A zip archive as a DatasetSource, read defensively: the central directory is parsed here (so
 * entry count, declared sizes and compression ratios are checked before anything is inflated),
 * entries with '..' or absolute paths are refused, and inflating (fflate) stops as soon as an entry
 * produces more than it declared. Stored (0) and deflate (8) entries only; no ZIP64, no encryption.
 */
import { Inflate } from 'fflate';
import { BadDatasetError } from '../../core/errors.ts';
import { type DatasetEntry, type DatasetSource, EntryError, isSystemPath, safePath } from './entry.ts';
import { DEFAULT_LIMITS, type ImportLimits } from './limits.ts';

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;
const MB = 1024 * 1024;
const CHUNK = 64 * 1024; // compressed bytes per inflate step: bounds the output of one step

interface CdEntry {
  name: string;
  method: number;
  flags: number;
  compressed: number;
  size: number;
  local: number;
}

export function zipSource(name: string, zip: Uint8Array, limits: Partial<ImportLimits> = {}): DatasetSource {
  const L = { ...DEFAULT_LIMITS, ...limits };
  const cd = centralDirectory(name, zip, L);
  const src: DatasetSource = { name, entries: [], emptyFolders: [], refused: [] };
  const dirs = new Set<string>();
  const fileDirs = new Set<string>();
  let total = 0;
  for (const e of cd) {
    const path = safePath(e.name);
    const isDir = e.name.endsWith('/') || e.name.endsWith('\\');
    if (path === undefined) {
      src.refused.push({ path: e.name, reason: 'unsafe path in archive (absolute or contains "..")' });
      continue;
    }
    if (isSystemPath(path) || path === '') continue;
    if (isDir) {
      dirs.add(path);
      continue;
    }
    const reason = entryProblem(e, L);
    if (reason) {
      src.refused.push({ path, reason });
      continue;
    }
    total += e.size;
    if (total > L.maxTotalBytes) {
      throw new BadDatasetError(
        name,
        `uncompresses to more than ${L.maxTotalBytes / MB} MB in all (possible zip bomb)`,
      );
    }
    for (let d = path; d.includes('/'); ) {
      d = d.slice(0, d.lastIndexOf('/'));
      fileDirs.add(d);
    }
    src.entries.push(zipEntry(zip, e, path));
  }
  src.emptyFolders = [...dirs].filter((d) => !fileDirs.has(d)).sort();
  return src;
}

function entryProblem(e: CdEntry, L: ImportLimits): string | undefined {
  if (e.flags & 1) return 'encrypted archive entry';
  if (e.method !== 0 && e.method !== 8) return `unsupported compression method ${e.method}`;
  if (e.size > L.maxFileBytes)
    return `uncompressed size ${(e.size / MB).toFixed(1)} MB is over the ${L.maxFileBytes / MB} MB limit per file`;
  if (e.size > MB && e.size > e.compressed * L.maxRatio) {
    return `compression ratio ${Math.round(e.size / Math.max(1, e.compressed))}:1 is over ${L.maxRatio}:1 (possible zip bomb)`;
  }
  return undefined;
}

function centralDirectory(name: string, b: Uint8Array, L: ImportLimits): CdEntry[] {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (u32(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new BadDatasetError(name, 'is not a zip archive (no end of central directory)');
  const count = u16(b, eocd + 10);
  const cdSize = u32(b, eocd + 12);
  const cdOff = u32(b, eocd + 16);
  if (count === 0xffff || cdOff === 0xffffffff)
    throw new BadDatasetError(name, 'ZIP64 archives are not supported; re-zip it or import the folder');
  if (count > L.maxEntries)
    throw new BadDatasetError(name, `has ${count} entries, over the limit of ${L.maxEntries}`);
  if (cdOff + cdSize > eocd) throw new BadDatasetError(name, 'is corrupt (central directory out of bounds)');
  const out: CdEntry[] = [];
  const utf8 = new TextDecoder('utf-8');
  const cp437ish = new TextDecoder('latin1');
  let o = cdOff;
  for (let i = 0; i < count; i++) {
    if (o + 46 > eocd || u32(b, o) !== 0x02014b50)
      throw new BadDatasetError(name, `is corrupt (central directory entry ${i})`);
    const flags = u16(b, o + 8);
    const nLen = u16(b, o + 28);
    const raw = b.subarray(o + 46, o + 46 + nLen);
    out.push({
      // Bit 11: UTF-8 names. Others are usually UTF-8 anyway on modern zippers; fall back when invalid.
      name: flags & 0x800 ? utf8.decode(raw) : decodeName(raw, utf8, cp437ish),
      method: u16(b, o + 10),
      flags,
      compressed: u32(b, o + 20),
      size: u32(b, o + 24),
      local: u32(b, o + 42),
    });
    o += 46 + nLen + u16(b, o + 30) + u16(b, o + 32);
  }
  return out;
}

function decodeName(raw: Uint8Array, utf8: TextDecoder, latin1: TextDecoder): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return latin1.decode(raw) || utf8.decode(raw);
  }
}

function zipEntry(b: Uint8Array, e: CdEntry, path: string): DatasetEntry {
  return {
    path,
    size: e.size,
    async read() {
      const h = e.local;
      if (h + 30 > b.length || u32(b, h) !== 0x04034b50)
        throw new EntryError('corrupt archive entry (no local header)');
      const start = h + 30 + u16(b, h + 26) + u16(b, h + 28);
      if (start + e.compressed > b.length)
        throw new EntryError('corrupt archive entry (data runs past the end)');
      const data = b.subarray(start, start + e.compressed);
      const out = e.method === 0 ? data.slice() : inflateCapped(data, e.size);
      if (out.length !== e.size)
        throw new EntryError(`corrupt archive entry (${out.length} bytes, ${e.size} declared)`);
      return out;
    },
  };
}

/** Inflate in small steps, stopping the moment output passes `cap` (the declared size). */
function inflateCapped(data: Uint8Array, cap: number): Uint8Array {
  const out = new Uint8Array(cap);
  let n = 0;
  const inf = new Inflate((chunk) => {
    if (n + chunk.length > cap)
      throw new EntryError('archive entry inflates to more than its declared size (possible zip bomb)');
    out.set(chunk, n);
    n += chunk.length;
  });
  try {
    for (let o = 0; o < data.length; o += CHUNK)
      inf.push(data.subarray(o, o + CHUNK), o + CHUNK >= data.length);
    if (data.length === 0) inf.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof EntryError) throw err;
    throw new EntryError(`corrupt archive entry (${(err as Error).message})`);
  }
  return out.subarray(0, n);
}

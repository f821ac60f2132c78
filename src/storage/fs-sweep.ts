/**
 * Removes what crashed writers leave in a file-system store (fs.ts): `.tmp` files of an interrupted
 * atomic write and `.bin` files no head names (the bytes of a put that died before its head, or lost a
 * race for the same key). Readers never look at either, so this only frees space; files younger than
 * `olderThanMs` are kept because a live writer on another machine may be about to commit them.
 */

import { binOf, type Head } from './fs.ts';
import type { FsAdapter } from './fs-adapter.ts';

export interface SweepResult {
  /** Stale files removed: interrupted writes and unreferenced bytes. */
  tmp: number;
  orphans: number;
  /** Leftovers too young to remove yet. */
  young: number;
  /** False when the adapter cannot tell a file's age: nothing was removed. */
  ageKnown: boolean;
}

/** An hour: far longer than one record's write, even of a whole feature bank on a slow network share. */
export const STALE_MS = 3_600_000;

export async function sweepFsStore(
  fs: FsAdapter,
  root: string,
  collections: readonly string[],
  o: { olderThanMs?: number; dryRun?: boolean; now?: number } = {},
): Promise<SweepResult> {
  const res: SweepResult = { tmp: 0, orphans: 0, young: 0, ageKnown: fs.mtime !== undefined };
  if (!fs.mtime) return res;
  const cutoff = (o.now ?? Date.now()) - (o.olderThanMs ?? STALE_MS);
  const stale = async (path: string) => {
    const t = await fs.mtime?.(path);
    if (t === undefined) return false; // gone already
    if (t > cutoff) res.young++;
    return t <= cutoff;
  };
  const dec = new TextDecoder();
  for (const c of collections) {
    const dir = `${root}/${c}`;
    const names = await fs.list(dir);
    const heads = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
    const bins = new Map<string, string[]>();
    for (const n of names) {
      if (n.endsWith('.tmp')) {
        if (await stale(`${dir}/${n}`)) {
          res.tmp++;
          if (!o.dryRun) await fs.remove(`${dir}/${n}`);
        }
      } else if (n.endsWith('.bin')) {
        const stem = n.slice(0, n.indexOf('.'));
        bins.set(stem, [...(bins.get(stem) ?? []), n]);
      }
    }
    for (const [stem, files] of bins) {
      // The common case, one head and one bin, is not read: only a stem with leftovers costs a read.
      if (heads.has(stem) && files.length === 1) continue;
      const raw = heads.has(stem) ? await fs.readFile(`${dir}/${stem}.json`) : undefined;
      const keep = raw && binOf(JSON.parse(dec.decode(raw)) as Head);
      for (const f of files) {
        if (f === keep || !(await stale(`${dir}/${f}`))) continue;
        res.orphans++;
        if (!o.dryRun) await fs.remove(`${dir}/${f}`);
      }
    }
  }
  return res;
}

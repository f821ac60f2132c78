/**
 * Quota: recognise "storage full" from each platform and turn it into QuotaExceededError that says
 * what is using the space, and keep a running usage total so a byte budget costs nothing per put.
 */
import { QuotaExceededError } from '../core/errors.ts';
import type { CollectionUsage } from './store.ts';

/** DOMException 'QuotaExceededError' (IndexedDB, OPFS) or ENOSPC/EDQUOT from a file system. */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'QuotaExceededError') return true;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 22) return true;
  return typeof message === 'string' && /no space left|quota exceeded|disk quota/i.test(message);
}

const MB = 1024 * 1024;
function human(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / 1024 / MB).toFixed(1)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} kB`;
}

/** "Storage is full …; largest: candidates 1.2 GB (340 items), …; delete old runs or candidates". */
export function quotaError(
  what: string,
  need: number,
  usage: CollectionUsage[],
  limit?: number,
): QuotaExceededError {
  const used = usage.filter((u) => u.count > 0).sort((a, b) => b.bytes - a.bytes);
  const list = used.length
    ? used
        .slice(0, 4)
        .map((u) => `${u.collection} ${human(u.bytes)} (${u.count} items)`)
        .join(', ')
    : 'nothing of ours';
  const cap = limit === undefined ? '' : ` (budget ${human(limit)})`;
  const err = new QuotaExceededError(
    `Storage is full${cap}: could not save ${what} (${human(need)}). Largest stored: ${list}. ` +
      'Delete old runs or generated candidates (Storage settings), raise the budget, or free disk space.',
  );
  return Object.assign(err, { usage: used });
}

/** Running per-collection totals, filled once from a scan and then kept up to date by the store. */
export class UsageTally {
  private readonly byCol = new Map<string, CollectionUsage>();

  set(u: CollectionUsage): void {
    this.byCol.set(u.collection, { ...u });
  }

  add(collection: string, bytes: number, count: number): void {
    const u = this.byCol.get(collection) ?? { collection, count: 0, bytes: 0 };
    u.bytes += bytes;
    u.count += count;
    this.byCol.set(collection, u);
  }

  total(): number {
    let n = 0;
    for (const u of this.byCol.values()) n += u.bytes;
    return n;
  }

  list(): CollectionUsage[] {
    return [...this.byCol.values()].map((u) => ({ ...u })).sort((a, b) => b.bytes - a.bytes);
  }
}

/**
 * One write of `bytes` into `collection` that grows the store by `delta`: refused up front when it would
 * exceed `maxBytes`, a platform quota error mapped to QuotaExceededError, the tally updated on success.
 * Shared by every Store implementation so their quota behaviour cannot drift apart.
 */
export async function budgetedWrite(
  t: UsageTally,
  o: { collection: string; key: string; bytes: number; delta: number; isNew: boolean; maxBytes?: number },
  write: () => Promise<void>,
): Promise<void> {
  const what = `${o.collection}/${o.key}`;
  if (o.maxBytes !== undefined && o.delta > 0 && t.total() + o.delta > o.maxBytes) {
    throw quotaError(what, o.bytes, t.list(), o.maxBytes);
  }
  try {
    await write();
  } catch (e) {
    if (isQuotaError(e)) throw quotaError(what, o.bytes, t.list());
    throw e;
  }
  t.add(o.collection, o.delta, o.isNew ? 1 : 0);
}

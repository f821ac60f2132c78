/** Whether a download fits in what the browser lets this site store (pure; the estimate is passed in). */
import { formatBytes } from '../format.ts';

export interface StorageEstimateView {
  usage: number;
  quota: number;
}

export interface QuotaVerdict {
  /** False only when the size is known and does not fit. */
  fits: boolean;
  text: string;
}

/** `need`: bytes still to fetch (undefined when the manifest does not record sizes). */
export function quotaVerdict(need: number | undefined, est: StorageEstimateView | undefined): QuotaVerdict {
  if (!est) {
    return {
      fits: true,
      text: need === undefined ? 'Size unknown until downloaded.' : `Needs ${formatBytes(need)}.`,
    };
  }
  const free = Math.max(0, est.quota - est.usage);
  if (need === undefined) {
    return {
      fits: true,
      text: `Size unknown until downloaded (recorded then); this browser lets the app store ${formatBytes(free)} more.`,
    };
  }
  if (need > free) {
    return {
      fits: false,
      text: `Needs ${formatBytes(need)} but this browser lets the app store only ${formatBytes(free)} more: clear cached models or free disk space.`,
    };
  }
  return {
    fits: true,
    text: `Needs ${formatBytes(need)} of the ${formatBytes(free)} this browser lets the app store.`,
  };
}

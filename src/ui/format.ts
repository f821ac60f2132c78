/** Small number formatters for the UI (pure; no DOM). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 134217728 → "128 MiB"; exact powers stay integers, others get one decimal. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return String(bytes);
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${text} ${UNITS[u]}`;
}

/** Thousands separators, fixed locale so screenshots and tests do not depend on the machine. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : String(n);
}

/** Limits measured in bytes (the rest are counts). */
const BYTE_LIMITS = new Set([
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
]);

export function formatLimit(name: string, value: number): string {
  return BYTE_LIMITS.has(name) ? formatBytes(value) : formatCount(value);
}

/**
 * The bundled demo dataset: a small Fashion-MNIST subset (MIT licence; made from Debian's
 * dataset-fashion-mnist by scripts/make-demo-set.mjs) served with the app from public/demo/.
 * Fetched from the app's own origin; no other server is involved.
 */
import { BadDatasetError } from '../../core/errors.ts';

export const DEMO_ZIP = 'demo/fashion-mnist-demo.zip';
export const DEMO_NAME = 'Fashion-MNIST demo';

export async function demoZip(): Promise<{ name: string; bytes: Uint8Array }> {
  const url = new URL(`${import.meta.env.BASE_URL}${DEMO_ZIP}`, globalThis.location.origin);
  const res = await fetch(url);
  if (!res.ok) throw new BadDatasetError(url.pathname, `could not be loaded (HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // A server that answers every path with the page (an SPA fallback) would hand back HTML here.
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new BadDatasetError(url.pathname, 'is not a zip file (is public/demo/ deployed with the app?)');
  }
  return { name: DEMO_NAME, bytes };
}

/**
 * The bundled demo dataset: a small Fashion-MNIST subset (MIT licence; made from Debian's
 * dataset-fashion-mnist by scripts/make-demo-set.mjs) served with the app from public/demo/.
 * Fetched from wherever the page itself is served (the page resolves the URL: the app may live under
 * a sub-path of a static host); no other server is involved.
 */
import { BadDatasetError } from '../../core/errors.ts';

export const DEMO_ZIP = 'demo/fashion-mnist-demo.zip';
export const DEMO_NAME = 'Fashion-MNIST demo';

/** The demo's URL next to the page (document.baseURI), whatever path the app is served from. */
export function demoUrl(base: string): string {
  return new URL(DEMO_ZIP, base).href;
}

export async function demoZip(href: string): Promise<{ name: string; bytes: Uint8Array }> {
  const url = new URL(href);
  const res = await fetch(url);
  if (!res.ok) throw new BadDatasetError(url.pathname, `could not be loaded (HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  // A server that answers every path with the page (an SPA fallback) would hand back HTML here.
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new BadDatasetError(url.pathname, 'is not a zip file (is public/demo/ deployed with the app?)');
  }
  return { name: DEMO_NAME, bytes };
}

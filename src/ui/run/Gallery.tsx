/**
 * Per class: its neighbour classes, and a few training originals with their caption and the
 * local-caption / transfer-caption candidates generated from them, each with its prompt. Every
 * caption, prompt and class name is rendered as text; images are Blob URLs revoked when replaced.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { GalleryClass } from '../../pipeline/run-browser.ts';

function useBlobUrls(gallery: GalleryClass[]): string[][][] {
  const urls = useMemo(
    () =>
      gallery.map((c) =>
        c.originals.map((o) =>
          [o.bytes, ...o.candidates.map((x) => x.png)].map((b) =>
            URL.createObjectURL(new Blob([b as Uint8Array<ArrayBuffer>], { type: 'image/png' })),
          ),
        ),
      ),
    [gallery],
  );
  useEffect(
    () => () => {
      for (const u of urls.flat(2)) URL.revokeObjectURL(u);
    },
    [urls],
  );
  return urls;
}

export function Gallery({ gallery }: { gallery: GalleryClass[] }) {
  const urls = useBlobUrls(gallery);
  return (
    <div class="gallery" data-testid="gallery">
      {gallery.map((c, k) => (
        <section class="gallery-class" data-class={c.name} key={c.name} aria-label={`Class ${c.name}`}>
          <h4>{c.name}</h4>
          <p class="neighbours" data-testid="neighbours">
            Neighbour classes: {c.neighbours.length ? c.neighbours.join(', ') : 'none'}
          </p>
          {c.originals.map((o, i) => (
            <div class="gallery-row" key={i}>
              <figure class="original">
                <img src={urls[k][i][0]} alt={`${c.name}: training original ${i + 1}`} />
                <figcaption>
                  Original. Caption: <q class="caption">{o.caption}</q>
                </figcaption>
              </figure>
              {o.candidates.map((x, j) => (
                <figure class="candidate" data-source={x.source} key={j}>
                  <img src={urls[k][i][j + 1]} alt={`${c.name}: ${x.source}-caption candidate`} />
                  <figcaption>
                    {x.source === 'local' ? 'Local caption' : 'Transfer caption'}. Prompt:{' '}
                    <q class="prompt">{x.prompt}</q>
                  </figcaption>
                </figure>
              ))}
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}

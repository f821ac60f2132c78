/**
 * Per class: its neighbour classes, and a few training originals with their caption and the
 * local-caption / transfer-caption candidates generated from them, each with its prompt. Every
 * caption, prompt and class name is rendered as text; images are Blob URLs revoked when replaced.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { GalleryClass } from '../../pipeline/app/contract.ts';
import { imageMime, sourceTitle } from './gallery-data.ts';

function blobUrl(bytes: Uint8Array): string {
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: imageMime(bytes) }));
}

/** urls[class][original][0 = original, 1.. = candidates]. */
function useBlobUrls(gallery: readonly GalleryClass[]): string[][][] {
  const urls = useMemo(
    () =>
      gallery.map((c) => c.originals.map((o) => [o.bytes, ...o.candidates.map((x) => x.png)].map(blobUrl))),
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

export function Gallery({ gallery }: { gallery: readonly GalleryClass[] }) {
  const urls = useBlobUrls(gallery);
  if (!gallery.length)
    return <p class="muted">This run kept no gallery (no class had a training original to show).</p>;
  return (
    <div class="inspect-gallery" data-testid="gallery">
      {gallery.map((c, k) => (
        <section
          class="gallery-class"
          data-class={c.name}
          key={`${k}-${c.name}`}
          aria-label={`Class ${c.name}`}
        >
          <h4>{c.name}</h4>
          <p class="neighbours" data-testid="neighbours">
            Neighbour classes (transfer captions come from these):{' '}
            {c.neighbours.length ? c.neighbours.join(', ') : 'none'}
          </p>
          {c.originals.length === 0 && <p class="muted">No training original kept for this class.</p>}
          {c.imagesOmitted && (
            <p class="muted" data-testid="images-omitted">
              Images not shown for this class (the gallery keeps the rarest classes' images within its size
              budget); they are in the exported zip. Captions and prompts:
            </p>
          )}
          {c.imagesOmitted &&
            c.originals.map((o, i) => (
              <ul class="gallery-text" key={i}>
                <li>
                  Original {i + 1}, caption: <q class="caption">{o.caption || '(none)'}</q>
                </li>
                {o.candidates.map((x, j) => (
                  <li key={j} data-source={x.source}>
                    {sourceTitle(x.source)}, prompt: <q class="prompt">{x.prompt}</q>
                  </li>
                ))}
              </ul>
            ))}
          {!c.imagesOmitted &&
            c.originals.map((o, i) => (
              <div class="gallery-row" key={i}>
                <figure class="original">
                  <img src={urls[k][i][0]} alt={`${c.name}: training original ${i + 1}`} />
                  <figcaption>
                    <span class="gallery-kind">Original</span>
                    Caption: <q class="caption">{o.caption || '(none)'}</q>
                  </figcaption>
                </figure>
                {o.candidates.map((x, j) => (
                  <figure class="candidate" data-source={x.source} key={j}>
                    <img
                      src={urls[k][i][j + 1]}
                      alt={`${c.name}: ${sourceTitle(x.source)}, generated from original ${i + 1}`}
                    />
                    <figcaption>
                      <span class="gallery-kind">{sourceTitle(x.source)}</span>
                      Prompt: <q class="prompt">{x.prompt}</q>
                    </figcaption>
                  </figure>
                ))}
                {o.candidates.length === 0 && <p class="muted">No generated image for this original.</p>}
              </div>
            ))}
        </section>
      ))}
    </div>
  );
}

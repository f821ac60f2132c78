/**
 * Export: a download per file the pipeline exported (everything as one zip first, then the classifier,
 * the policy, the metrics and the report on their own). Files are made in the worker (the zip on disk, in
 * OPFS); here their Blobs only become blob URLs, revoked when the result changes or the section closes.
 */
import { useEffect, useMemo } from 'preact/hooks';
import { runResult } from '../app/state.ts';
import { formatBytes } from '../format.ts';

const DESCRIPTIONS: Record<string, string> = {
  'classifier.onnx': 'backbone + trained head in one ONNX graph: image in, class scores out',
  'metrics.json': 'every method × seed: top-1, mean class accuracy, per class, confusion, settings, cache',
  'policy.json': 'the learned policy: P(real, local, transfer) per class',
  'metadata.jsonl':
    'one line per image of the augmented dataset (file, class, source, caption or prompt, seed); the images are in the zip',
  'report.json': 'the run report (first method, first seed) as data',
  'report.md': 'the run report, readable',
};

function describe(name: string): string {
  if (name.endsWith('.zip'))
    return 'everything: the augmented dataset (originals + candidates, metadata.jsonl), classifier, policy, metrics, report';
  return DESCRIPTIONS[name] ?? '';
}

export function ExportSection() {
  const r = runResult.value;
  const links = useMemo(
    () =>
      (r?.exports ?? []).map((e) => ({
        ...e,
        url: URL.createObjectURL(e.blob),
      })),
    [r],
  );
  useEffect(
    () => () => {
      for (const l of links) URL.revokeObjectURL(l.url);
    },
    [links],
  );
  return (
    <section class="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      {!r ? (
        <p>
          Nothing to export yet: <a href="#run">run</a> the pipeline first (or the demo from{' '}
          <a href="#start">Start</a>).
        </p>
      ) : (
        <>
          {r.warning && (
            <p class="plumbing" data-testid="export-warning">
              {r.warning}
            </p>
          )}
          <p>
            From the run on <strong>{r.dataset.name}</strong>; the classifier and report are the first method
            and seed ({r.runs[0]?.method}, seed {r.runs[0]?.seed}).
          </p>
          <ul class="exports" data-testid="exports">
            {links.map((l) => (
              <li key={l.name}>
                <a class="button" href={l.url} download={l.name} data-export={l.name}>
                  Download {l.name}
                </a>{' '}
                <span class="muted">
                  {formatBytes(l.blob.size)} — {describe(l.name)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

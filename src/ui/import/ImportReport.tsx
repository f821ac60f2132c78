/**
 * The import report, shown before anything runs: images per class, skipped files with the reason,
 * class folders with no usable image, classes too small to split, and attached captions. Every name
 * and path is the user's own (untrusted) text: it goes into the page as text nodes only.
 */
import type { ImportReportView } from '../../pipeline/app/contract.ts';
import { formatCount } from '../format.ts';

/** Long skip lists stay usable: the first ones, then a count of the rest. */
const SHOWN_SKIPPED = 500;

export function ImportReport({ report }: { report: ImportReportView }) {
  const images = report.classes.reduce((n, c) => n + c.count, 0);
  const small = new Set(report.smallClasses);
  const skipped = report.skipped.slice(0, SHOWN_SKIPPED);
  return (
    <section class="import-report" aria-labelledby="report-heading" data-testid="import-report">
      <h3 id="report-heading">Import report</h3>
      <p data-testid="report-summary">
        <strong>{report.source}</strong>: {formatCount(images)} images in {report.classes.length} classes;{' '}
        {formatCount(report.skipped.length)} files skipped
        {report.captioned > 0 && `; ${formatCount(report.captioned)} images came with a caption`}.
      </p>
      <table class="limits report-classes" data-testid="report-classes">
        <caption class="sr-only">Images per class</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Folders</th>
            <th scope="col" class="num">
              Images
            </th>
          </tr>
        </thead>
        <tbody>
          {report.classes.map((c) => (
            <tr key={c.name} class={small.has(c.name) ? 'too-small' : undefined}>
              <th scope="row">{c.name}</th>
              <td class="why">{c.folders.join(', ')}</td>
              <td class="num">
                {small.has(c.name) && <span class="sr-only">too few: </span>}
                {formatCount(c.count)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.emptyClasses.length > 0 && (
        <div class="notice notice-warn" data-testid="report-empty">
          <h3>Folders with no usable image (not classes)</h3>
          <ul>
            {report.emptyClasses.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </div>
      )}
      {report.smallClasses.length > 0 && (
        <div class="notice notice-warn" data-testid="report-small">
          <h3>Classes with fewer than 2 images</h3>
          <p>Too few to split into training and validation: add images or remove the class.</p>
          <ul>
            {report.smallClasses.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      )}
      {report.skipped.length > 0 && (
        <details open={report.skipped.length <= 20} data-testid="report-skipped">
          <summary>
            {formatCount(report.skipped.length)} skipped {report.skipped.length === 1 ? 'file' : 'files'},
            with the reason
          </summary>
          <table class="limits skipped">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {skipped.map((s, i) => (
                <tr key={`${i}:${s.path}`}>
                  <td>
                    <code>{s.path}</code>
                  </td>
                  <td class="why">{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.skipped.length > skipped.length && (
            <p class="muted">… and {formatCount(report.skipped.length - skipped.length)} more.</p>
          )}
        </details>
      )}
    </section>
  );
}

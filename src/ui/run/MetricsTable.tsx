/** The runs' accuracies, and per-class accuracy with the class's training count (text cells only). */
import type { DemoRunSummary } from '../../pipeline/run-browser.ts';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : `${(100 * v).toFixed(1)}%`;

export function MetricsTable({ r }: { r: DemoRunSummary }) {
  return (
    <div class="metrics" data-testid="metrics">
      <table>
        <caption>Test accuracy ({r.testCount} held-out images)</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Seed</th>
            <th scope="col">Top-1</th>
            <th scope="col">Mean per-class</th>
          </tr>
        </thead>
        <tbody>
          {r.runs.map((x) => (
            <tr key={`${x.method}-${x.seed}`}>
              <td>{x.method}</td>
              <td>{x.seed}</td>
              <td>{pct(x.top1)}</td>
              <td>{pct(x.meanClassAcc)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Per class (first run)</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Training images</th>
            <th scope="col">Accuracy</th>
          </tr>
        </thead>
        <tbody>
          {r.classes.map((c, k) => (
            <tr key={c}>
              <td>{c}</td>
              <td>{r.trainCounts[k]}</td>
              <td>{pct(r.runs[0]?.perClass[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Fig. 3: training images per class (log x) against per-class test accuracy, one symbol per method. */
import * as Plot from '@observablehq/plot';
import { useMemo, useState } from 'preact/hooks';
import type { RunSummary } from '../../pipeline/app/contract.ts';
import { classesByFrequency, frequencyAccuracy, logDomain, trendLines } from './figures-data.ts';
import { methodNames, pct } from './methods-data.ts';
import { PLOT_CLASS, PlotFigure } from './PlotFigure.tsx';

export function FrequencyFigure({ summary }: { summary: RunSummary }) {
  const methods = useMemo(() => methodNames(summary.runs), [summary]);
  const points = useMemo(() => frequencyAccuracy(summary), [summary]);
  const trends = useMemo(() => trendLines(points), [points]);
  const [showTrend, setShowTrend] = useState(true);

  const make = useMemo(() => {
    if (!points.length) return undefined;
    // Methods often tie on a class: a small horizontal offset per method keeps every symbol visible.
    const step = Math.min(5, 24 / Math.max(1, methods.length));
    const dots = methods.map((m, i) =>
      Plot.dot(
        points.filter((p) => p.method === m),
        {
          x: 'count',
          y: (d) => 100 * d.accuracy,
          stroke: 'method',
          symbol: 'method',
          r: 4.5,
          strokeWidth: 1.6,
          dx: (i - (methods.length - 1) / 2) * step,
          title: (d) => `${d.cls} — ${d.method}: ${pct(d.accuracy)} (${d.count} training images)`,
          className: 'fig3-dot',
        },
      ),
    );
    const lines = showTrend
      ? [
          Plot.line(
            trends.flatMap((t) => t.ends),
            {
              x: 'count',
              y: (d) => 100 * d.accuracy,
              z: 'method',
              stroke: 'method',
              strokeDasharray: '5,4',
              strokeOpacity: 0.8,
              clip: true,
              className: 'fig3-trend',
            },
          ),
        ]
      : [];
    return () =>
      Plot.plot({
        className: PLOT_CLASS,
        ariaLabel: 'Class frequency against per-class test accuracy',
        ariaDescription: 'One symbol per class and method; x is on a log scale.',
        width: 680,
        height: 380,
        marginLeft: 50,
        marginBottom: 44,
        x: {
          type: 'log',
          domain: logDomain(points.map((p) => p.count)),
          label: 'Training images per class (log scale)',
          labelAnchor: 'center',
          labelArrow: 'none',
          grid: true,
        },
        y: {
          domain: [0, 100],
          label: 'Per-class test accuracy (%)',
          labelArrow: 'none',
          grid: true,
        },
        color: { type: 'categorical', domain: methods },
        symbol: { domain: methods, legend: true },
        marks: [Plot.frame({ strokeOpacity: 0.15 }), ...lines, ...dots],
      });
  }, [points, trends, methods, showTrend]);

  const order = classesByFrequency(summary.trainCounts);
  const acc = (k: number, m: string) => points.find((p) => p.classIndex === k && p.method === m)?.accuracy;
  const seedsNote = (() => {
    const n = new Set(summary.runs.map((r) => r.seed)).size;
    return n > 1 ? `mean over ${n} seeds` : 'one seed';
  })();

  return (
    <PlotFigure
      id="fig-frequency"
      title="Fig. 3 — Class frequency vs per-class test accuracy"
      description={
        <>
          Each symbol is one class for one method ({seedsNote}): its number of training images (log scale) and
          its test accuracy. The paper's claim is that AutoGenDA helps most on the rare classes, on the left.
          {showTrend && trends.length > 0 && ' Dashed lines: least-squares trend of accuracy on log(count).'}
        </>
      }
      controls={
        trends.length > 0 && (
          <label class="choice">
            <input
              type="checkbox"
              checked={showTrend}
              onChange={(e) => setShowTrend((e.currentTarget as HTMLInputElement).checked)}
            />
            <span>Trend line per method</span>
          </label>
        )
      }
      make={make}
      empty="No class has both training images and a test accuracy, so there is nothing to plot."
      plumbing={summary.plumbingOnly}
      numbers={
        <>
          <table class="inspect-table" data-testid="fig-frequency-table">
            <caption>Per-class test accuracy ({seedsNote}), classes by training images</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" class="num">
                  Training images
                </th>
                {methods.map((m) => (
                  <th scope="col" class="num" key={m}>
                    {m}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {order.map((k) => (
                <tr key={k}>
                  <th scope="row">{summary.classes[k]}</th>
                  <td class="num">{summary.trainCounts[k]}</td>
                  {methods.map((m) => (
                    <td class="num" key={m}>
                      {pct(acc(k, m))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {showTrend && trends.length > 0 && (
            <ul class="trend-list">
              {trends.map((t) => (
                <li key={t.method}>
                  {t.method}: {t.slope >= 0 ? '+' : '−'}
                  {Math.abs(100 * t.slope).toFixed(1)} percentage points per tenfold more training images
                </li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}

/** Fig. 4: per class (most frequent first), one stacked bar of P(source) for a chosen method and seed. */
import * as Plot from '@observablehq/plot';
import { useMemo, useState } from 'preact/hooks';
import type { RunSummary } from '../../pipeline/app/contract.ts';
import { allSources, defaultPolicyChoice, policyCells, policyChoices, shorten } from './figures-data.ts';
import { PREFERRED_CONTROL } from './methods-data.ts';
import { Choice, PLOT_CLASS, PlotFigure, stableColours } from './PlotFigure.tsx';

export function PolicyFigure({ summary }: { summary: RunSummary }) {
  const choices = useMemo(() => policyChoices(summary.runs), [summary]);
  const [picked, setPicked] = useState<number | undefined>(undefined);
  const index =
    picked !== undefined && picked < choices.length
      ? picked
      : defaultPolicyChoice(choices, PREFERRED_CONTROL);
  const choice = choices[index];
  const colours = useMemo(() => allSources(summary), [summary]);
  const { sources, cells } = useMemo(
    () => (choice ? policyCells(summary, choice) : { sources: [], cells: [] }),
    [summary, choice],
  );
  const classOrder = useMemo(() => [...new Set(cells.map((c) => c.cls))], [cells]);

  const make = useMemo(() => {
    if (!cells.length) return undefined;
    const longest = Math.max(...classOrder.map((c) => shorten(c).length));
    return () =>
      Plot.plot({
        className: PLOT_CLASS,
        ariaLabel: 'Policy per class',
        ariaDescription: 'One stacked bar per class of the probability of drawing each source.',
        width: 680,
        height: 50 + 24 * classOrder.length,
        marginLeft: Math.min(180, 16 + 6.5 * longest),
        marginBottom: 40,
        x: {
          domain: [0, 100],
          label: 'Probability of drawing each source (%)',
          labelAnchor: 'center',
          labelArrow: 'none',
        },
        y: { domain: classOrder, label: null, tickFormat: (c: string) => shorten(c) },
        color: { ...stableColours(sources, colours), legend: true },
        marks: [
          Plot.barX(cells, {
            x: (d) => 100 * d.p,
            y: 'cls',
            fill: 'source',
            order: sources,
            title: (d) => `${d.cls} (${d.count} training images): ${d.source} ${(100 * d.p).toFixed(1)}%`,
            className: 'fig4-bar',
          }),
          Plot.ruleX([0]),
        ],
      });
  }, [cells, classOrder, colours, sources]);

  const byClass = classOrder.map((cls) => cells.filter((c) => c.cls === cls));
  return (
    <PlotFigure
      id="fig-policy"
      title="Fig. 4 — Policy per class"
      description={
        <>
          The probability of drawing each image source per class, classes sorted from most to fewest training
          images (top to bottom). A searched method learns these; a fixed one sets them by definition. In the
          paper, classes with few images lean on generated images, well-stocked ones on real images.
        </>
      }
      controls={
        choices.length > 1 && (
          <Choice
            id="fig-policy-run"
            label="Run"
            value={String(index)}
            options={choices.map((c, i) => ({ value: String(i), label: c.label }))}
            onChange={(v) => setPicked(Number(v))}
          />
        )
      }
      make={make}
      empty="No run of this result has a policy to show."
      plumbing={summary.plumbingOnly}
      numbers={
        <table class="inspect-table" data-testid="fig-policy-table">
          <caption>{choice ? `Policy of ${choice.label}` : 'Policy'}</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col" class="num">
                Training images
              </th>
              {sources.map((s) => (
                <th scope="col" class="num" key={s}>
                  P({s})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {byClass.map((row) => (
              <tr key={row[0].classIndex}>
                <th scope="row">{row[0].cls}</th>
                <td class="num">{row[0].count}</td>
                {row.map((c) => (
                  <td class="num" key={c.source}>
                    {Number.isFinite(c.p) ? c.p.toFixed(3) : '—'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

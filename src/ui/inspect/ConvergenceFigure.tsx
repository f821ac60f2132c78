/**
 * Fig. 6: the searched policy after each search epoch — for one class, one line per source; or, as
 * the paper draws it, one panel per source with a line per class. Methods that do not search have no
 * history, and the figure says so.
 */
import * as Plot from '@observablehq/plot';
import { useMemo, useState } from 'preact/hooks';
import type { RunSummary } from '../../pipeline/app/contract.ts';
import {
  allSources,
  classesByFrequency,
  historyAllClasses,
  historyLines,
  historyMethods,
  historySeeds,
} from './figures-data.ts';
import { methodNames, PREFERRED_CONTROL } from './methods-data.ts';
import { Choice, PLOT_CLASS, PlotFigure, stableColours } from './PlotFigure.tsx';

const ALL = 'all';
const MEAN = 'mean';

export function ConvergenceFigure({ summary }: { summary: RunSummary }) {
  const searched = useMemo(() => historyMethods(summary.runs), [summary]);
  const fixed = useMemo(
    () => methodNames(summary.runs).filter((m) => !searched.includes(m)),
    [summary, searched],
  );
  const order = useMemo(() => classesByFrequency(summary.trainCounts), [summary]);
  const colours = useMemo(() => allSources(summary), [summary]);

  const [methodPick, setMethod] = useState<string | undefined>(undefined);
  const method =
    methodPick && searched.includes(methodPick)
      ? methodPick
      : searched.includes(PREFERRED_CONTROL)
        ? PREFERRED_CONTROL
        : searched[0];
  const seeds = useMemo(() => (method ? historySeeds(summary.runs, method) : []), [summary, method]);
  const [seedPick, setSeed] = useState<string>(MEAN);
  const seed: number | 'mean' =
    seedPick !== MEAN && seeds.includes(Number(seedPick))
      ? Number(seedPick)
      : seeds.length === 1
        ? seeds[0]
        : MEAN;
  // Default: the rarest class, where the paper expects the policy to move most.
  const [classPick, setClass] = useState<string | undefined>(undefined);
  const classValue =
    classPick === ALL || (classPick !== undefined && summary.classes[Number(classPick)] !== undefined)
      ? classPick
      : String(order[order.length - 1] ?? 0);
  const classIndex = classValue === ALL ? -1 : Number(classValue);

  const one = useMemo(
    () =>
      method && classIndex >= 0
        ? historyLines(summary, method, classIndex, seed)
        : { sources: [] as string[], points: [] },
    [summary, method, classIndex, seed],
  );
  const all = useMemo(
    () => (method && classIndex < 0 ? historyAllClasses(summary, method, seed) : undefined),
    [summary, method, classIndex, seed],
  );
  const points = all ? all.points : one.points;
  const sources = all ? all.sources : one.sources;
  const epochs = points.reduce((a, p) => Math.max(a, p.epoch), 0);

  const make = useMemo(() => {
    if (!points.length) return undefined;
    const x = {
      domain: [1, Math.max(2, epochs)],
      label: 'Search epoch',
      labelAnchor: 'center' as const,
      labelArrow: 'none' as const,
      grid: true,
    };
    // Zoomed to the data: a search moves probabilities by a few points, invisible on a 0–100 axis.
    const y = {
      nice: true,
      zero: false,
      label: 'P(source) (%, axis zoomed to the data)',
      labelArrow: 'none' as const,
      grid: true,
    };
    const marker = epochs <= 30 ? 'dot' : undefined;
    if (all)
      return () =>
        Plot.plot({
          className: PLOT_CLASS,
          ariaLabel: 'Policy convergence of every class, one panel per source',
          width: 680,
          height: 300,
          marginBottom: 44,
          x,
          y,
          fx: { domain: sources, label: null },
          marks: [
            Plot.frame({ strokeOpacity: 0.15 }),
            Plot.line(all.points, {
              fx: 'source',
              x: 'epoch',
              y: (d) => 100 * d.p,
              z: 'cls',
              stroke: 'cls',
              strokeOpacity: 0.8,
              title: (d) => d.cls,
              className: 'fig6-line',
            }),
          ],
        });
    return () =>
      Plot.plot({
        className: PLOT_CLASS,
        ariaLabel: 'Policy convergence of one class',
        ariaDescription: 'One line per source: its probability after each search epoch.',
        width: 680,
        height: 320,
        marginBottom: 44,
        x,
        y,
        color: { ...stableColours(sources, colours), legend: true },
        marks: [
          Plot.frame({ strokeOpacity: 0.15 }),
          Plot.line(one.points, {
            x: 'epoch',
            y: (d) => 100 * d.p,
            stroke: 'source',
            marker,
            title: (d) => d.source,
            className: 'fig6-line',
          }),
        ],
      });
  }, [points, all, one, epochs, sources, colours]);

  const controls = method && (
    <>
      {searched.length > 1 && (
        <Choice
          id="fig-convergence-method"
          label="Method"
          value={method}
          options={searched.map((m) => ({ value: m, label: m }))}
          onChange={setMethod}
        />
      )}
      <Choice
        id="fig-convergence-class"
        label="Class"
        value={classValue ?? ''}
        options={[
          ...order.map((k) => ({
            value: String(k),
            label: `${summary.classes[k]} (${summary.trainCounts[k]} training images)`,
          })),
          { value: ALL, label: 'All classes, one panel per source (as the paper)' },
        ]}
        onChange={setClass}
      />
      {seeds.length > 1 && (
        <Choice
          id="fig-convergence-seed"
          label="Seed"
          value={seed === MEAN ? MEAN : String(seed)}
          options={[
            { value: MEAN, label: `Mean over ${seeds.length} seeds` },
            ...seeds.map((s) => ({ value: String(s), label: `Seed ${s}` })),
          ]}
          onChange={setSeed}
        />
      )}
    </>
  );

  const fixedNote = fixed.length
    ? ` ${fixed.join(', ')} ${fixed.length === 1 ? 'uses' : 'use'} a fixed policy and ${fixed.length === 1 ? 'has' : 'have'} no search history.`
    : '';
  const epochRows = [...new Set(points.map((p) => p.epoch))];
  return (
    <PlotFigure
      id="fig-convergence"
      title="Fig. 6 — Policy convergence during the search"
      description={
        <>
          The policy P(source) after each search epoch
          {method ? ` of ${method}` : ''}
          {seed === MEAN && seeds.length > 1 ? `, averaged over ${seeds.length} seeds` : ''}. All sources
          start equal; the search moves each class's probabilities towards the sources that help it on the
          validation half.{fixedNote}
        </>
      }
      controls={controls}
      make={make}
      empty={
        method
          ? 'The chosen run has no search epochs to show.'
          : `No method of this run searched a policy, so there is no convergence to show.${fixedNote} Add autogenda (or another search method) to the run's methods.`
      }
      plumbing={summary.plumbingOnly}
      numbers={
        all ? (
          <table class="inspect-table" data-testid="fig-convergence-table">
            <caption>Final-epoch policy per class ({method})</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                {sources.map((s) => (
                  <th scope="col" class="num" key={s}>
                    P({s}) at epoch {epochs}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {order.map((k) => (
                <tr key={k}>
                  <th scope="row">{summary.classes[k]}</th>
                  {sources.map((s) => {
                    const p = all.points.find(
                      (q) => q.classIndex === k && q.source === s && q.epoch === epochs,
                    );
                    return (
                      <td class="num" key={s}>
                        {p ? p.p.toFixed(3) : '—'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table class="inspect-table" data-testid="fig-convergence-table">
            <caption>
              Policy of class {summary.classes[classIndex] ?? ''} per search epoch ({method})
            </caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Epoch
                </th>
                {sources.map((s) => (
                  <th scope="col" class="num" key={s}>
                    P({s})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {epochRows.map((e) => (
                <tr key={e}>
                  <th scope="row" class="num">
                    {e}
                  </th>
                  {sources.map((s) => {
                    const p = one.points.find((q) => q.epoch === e && q.source === s);
                    return (
                      <td class="num" key={s}>
                        {p ? p.p.toFixed(3) : '—'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    />
  );
}

/**
 * The methods table: mean ± std over seeds per method, and — with ≥ 2 methods on ≥ 2 shared seeds —
 * average ranks, Friedman (+ Iman–Davenport) and Holm against the control, seeds as the blocks.
 */
import { useMemo, useState } from 'preact/hooks';
import type { RunSummary } from '../../pipeline/app/contract.ts';
import {
  type Comparison,
  compareMethods,
  formatMeanStd,
  formatP,
  METRIC_LABEL,
  type Metric,
  seedList,
  summariseMethods,
} from './methods-data.ts';
import { Choice } from './PlotFigure.tsx';

const ALPHA = 0.05;

export function MethodsTable({ summary }: { summary: RunSummary }) {
  const rows = useMemo(() => summariseMethods(summary.runs), [summary]);
  const [metric, setMetric] = useState<Metric>('top1');
  const cmp = useMemo(() => compareMethods(summary.runs, metric, undefined, ALPHA), [summary, metric]);
  const rank = (m: string) => (cmp.kind === 'test' ? cmp.avgRanks[cmp.methods.indexOf(m)] : undefined);
  const control = cmp.kind === 'test' ? cmp.methods[cmp.control] : undefined;

  return (
    <section class="inspect-methods" aria-labelledby="methods-title" data-testid="methods">
      <h3 id="methods-title" class="figure-title">
        Methods
      </h3>
      {summary.plumbingOnly && (
        <p class="plumbing-note">
          <strong>Fixture models: these accuracies and tests mean nothing.</strong>
        </p>
      )}
      <table class="inspect-table" data-testid="methods-table">
        <caption>
          Test accuracy per method on {summary.testCount} held-out images: mean ± sample standard deviation
          over seeds (percentage points).
          {cmp.kind === 'test' &&
            ` Average rank on ${METRIC_LABEL[metric]} over ${cmp.seeds.length} seeds (1 = best).`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" class="num">
              Seeds
            </th>
            <th scope="col" class="num">
              Top-1
            </th>
            <th scope="col" class="num">
              Mean per-class
            </th>
            {cmp.kind === 'test' && (
              <th scope="col" class="num">
                Avg. rank
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.method} data-method={r.method}>
              <th scope="row">
                {r.method}
                {r.method === control && <span class="control-tag"> (control)</span>}
              </th>
              <td class="num">{r.seeds.length}</td>
              <td class="num">{formatMeanStd(r.top1)}</td>
              <td class="num">{formatMeanStd(r.meanClassAcc)}</td>
              {cmp.kind === 'test' && <td class="num">{rank(r.method)?.toFixed(2)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <Choice
        id="methods-metric"
        label="Compare methods on"
        value={metric}
        options={(Object.keys(METRIC_LABEL) as Metric[]).map((m) => ({ value: m, label: METRIC_LABEL[m] }))}
        onChange={(v) => setMetric(v as Metric)}
      />
      <Stats cmp={cmp} />
    </section>
  );
}

function Stats({ cmp }: { cmp: Comparison }) {
  if (cmp.kind === 'none')
    return (
      <p class="stats-reason" data-testid="methods-stats-reason">
        No statistical test: {cmp.reason}
      </p>
    );
  const f = cmp.friedman;
  const rejected = f.pF < ALPHA;
  return (
    <div class="stats" data-testid="methods-stats">
      <p class="stats-scope">
        Within-dataset comparison: methods are ranked within each of the {cmp.seeds.length} seeds (blocks =
        seeds
        {cmp.dropped.length ? `; ${seedList(cmp.dropped)} left out because some method lacks them` : ''}
        ). The seeds share this dataset, its split and its generated images, so this is weaker evidence than
        the paper's test across 16 dataset settings (App. B): it says whether the differences here exceed
        seed-to-seed noise, not that a method is better in general.
      </p>
      <p data-testid="methods-friedman">
        Friedman test on {METRIC_LABEL[cmp.metric]} ({f.k} methods, {f.N} seeds): χ²<sub>F</sub> ={' '}
        {f.chi2.toFixed(3)}, p = {formatP(f.pChi2)}; Iman–Davenport F<sub>F</sub> ={' '}
        {Number.isFinite(f.ff) ? f.ff.toFixed(3) : '∞'} with ({f.df1}, {f.df2}) degrees of freedom, p ={' '}
        {formatP(f.pF)}.{' '}
        {rejected
          ? `At α = ${ALPHA} the hypothesis that all methods perform equally is rejected.`
          : `At α = ${ALPHA} the hypothesis that all methods perform equally is not rejected; the post-hoc test below is for reference only.`}
      </p>
      <table class="inspect-table" data-testid="methods-holm">
        <caption>
          Holm's step-down test of {cmp.methods[cmp.control]} (control) against each other method, z = (R
          <sub>i</sub> − R<sub>control</sub>) / {cmp.holm.se.toFixed(3)}; rows in Holm's order.
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" class="num">
              z
            </th>
            <th scope="col" class="num">
              p-value
            </th>
            <th scope="col" class="num">
              α / (m − i + 1)
            </th>
            <th scope="col" class="num">
              Holm-adjusted p
            </th>
            <th scope="col">Significant?</th>
          </tr>
        </thead>
        <tbody>
          {cmp.holm.rows.map((h) => (
            <tr key={h.method}>
              <th scope="row">{cmp.methods[h.method]}</th>
              <td class="num">{h.z.toFixed(3)}</td>
              <td class="num">{formatP(h.p)}</td>
              <td class="num">{h.alphaAdj.toPrecision(3)}</td>
              <td class="num">{formatP(h.pAdj)}</td>
              <td>{h.reject ? `Yes: control ranks ${h.z > 0 ? 'better' : 'worse'}` : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

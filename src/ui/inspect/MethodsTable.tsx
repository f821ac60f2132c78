/**
 * The methods table: mean ± std over seeds per method (and profile of a sweep), every method × seed, and
 * — with ≥ 2 methods over ≥ 2 profiles — average ranks, Friedman (+ Iman–Davenport) and Holm against
 * the control, profiles as the blocks; with one profile, why there is no test.
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
  pct,
  profileRuns,
  runProfiles,
  summariseMethods,
} from './methods-data.ts';
import { Choice } from './PlotFigure.tsx';

const ALPHA = 0.05;

export function MethodsTable({ summary }: { summary: RunSummary }) {
  const profiles = useMemo(() => runProfiles(summary), [summary]);
  const perProfile = useMemo(
    () => profiles.map((p) => summariseMethods(profileRuns(summary, p))),
    [summary, profiles],
  );
  const [metric, setMetric] = useState<Metric>('top1');
  const cmp = useMemo(() => compareMethods(summary, metric, ALPHA), [summary, metric]);
  const rank = (m: string) => cmp.avgRanks?.[cmp.methods.indexOf(m)];
  const control = cmp.holm?.controlName;
  const sweep = profiles.length > 1;
  const cell = (i: number, m: string) => perProfile[i].find((x) => x.method === m);

  return (
    <section class="inspect-methods" aria-labelledby="methods-title" data-testid="methods">
      <h3 id="methods-title" class="figure-title">
        Methods
      </h3>
      {summary.plumbingOnly && (
        <p class="plumbing-note">
          <strong>Fixture models: a plumbing check; these accuracies and tests mean nothing.</strong>
        </p>
      )}
      <table class="inspect-table" data-testid="methods-table">
        <caption>
          Test accuracy per method on {summary.testCount} held-out images: mean ± sample standard deviation
          over seeds (percentage points){sweep ? ', per profile' : ''}.
          {cmp.avgRanks &&
            sweep &&
            ` Average rank on ${METRIC_LABEL[metric]} over ${profiles.length} profiles (1 = best).`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" class="num">
              Seeds
            </th>
            {profiles.map((p) => [
              <th scope="col" class="num" key={`t${p}`}>
                Top-1{sweep ? ` (${p})` : ''}
              </th>,
              <th scope="col" class="num" key={`m${p}`}>
                Mean per-class{sweep ? ` (${p})` : ''}
              </th>,
            ])}
            {cmp.friedman && (
              <th scope="col" class="num">
                Avg. rank
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {cmp.methods.map((m) => (
            <tr key={m} data-method={m}>
              <th scope="row">
                {m}
                {m === control && <span class="control-tag"> (control)</span>}
              </th>
              <td class="num">{cell(0, m)?.seeds.length ?? 0}</td>
              {profiles.map((p, i) => {
                const c = cell(i, m);
                return [
                  <td class="num" key={`t${p}`}>
                    {c ? formatMeanStd(c.top1) : '—'}
                  </td>,
                  <td class="num" key={`m${p}`}>
                    {c ? formatMeanStd(c.meanClassAcc) : '—'}
                  </td>,
                ];
              })}
              {cmp.friedman && <td class="num">{rank(m)?.toFixed(2)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <SeedsTable summary={summary} sweep={sweep} />
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

/** Every method × seed (× profile), in the run's order. */
function SeedsTable({ summary, sweep }: { summary: RunSummary; sweep: boolean }) {
  const profiles = runProfiles(summary);
  const rows = profiles.flatMap((p) => profileRuns(summary, p).map((r) => ({ ...r, profile: p })));
  return (
    <table class="inspect-table" data-testid="methods-seeds">
      <caption>Every training run: test accuracy per method and seed.</caption>
      <thead>
        <tr>
          <th scope="col">Method</th>
          {sweep && <th scope="col">Profile</th>}
          <th scope="col" class="num">
            Seed
          </th>
          <th scope="col" class="num">
            Top-1
          </th>
          <th scope="col" class="num">
            Mean per-class
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.profile}\u0000${r.method}\u0000${r.seed}`} data-method={r.method} data-seed={r.seed}>
            <th scope="row">{r.method}</th>
            {sweep && <td>{r.profile}</td>}
            <td class="num">{r.seed}</td>
            <td class="num">{pct(r.top1)}</td>
            <td class="num">{pct(r.meanClassAcc)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Stats({ cmp }: { cmp: Comparison }) {
  const f = cmp.friedman;
  const h = cmp.holm;
  if (!f || !h)
    return (
      <p class="stats-reason" data-testid="methods-stats-reason">
        No statistical test: {cmp.reason}.
      </p>
    );
  const rejected = f.pF < ALPHA;
  return (
    <div class="stats" data-testid="methods-stats">
      <p class="stats-scope">
        Methods are ranked within each of the {f.N} profiles (the blocks, as the paper's dataset settings),
        each on its mean over seeds.
        {cmp.controlNote && ` Note: ${cmp.controlNote}.`}
      </p>
      <p data-testid="methods-friedman">
        Friedman test on {METRIC_LABEL[cmp.metric]} ({f.k} methods, {f.N} profiles): χ²<sub>F</sub> ={' '}
        {f.chi2.toFixed(3)}, p = {formatP(f.pChi2)}; Iman–Davenport F<sub>F</sub> ={' '}
        {Number.isFinite(f.ff) ? f.ff.toFixed(3) : '∞'} with ({f.df1}, {f.df2}) degrees of freedom, p ={' '}
        {formatP(f.pF)}.{' '}
        {rejected
          ? `At α = ${ALPHA} the hypothesis that all methods perform equally is rejected.`
          : `At α = ${ALPHA} the hypothesis that all methods perform equally is not rejected; the post-hoc test below is for reference only.`}
      </p>
      <table class="inspect-table" data-testid="methods-holm">
        <caption>
          Holm's step-down test of {h.controlName} (control) against each other method, z = (R<sub>i</sub> − R
          <sub>control</sub>) / {h.se.toFixed(3)}; rows in Holm's order.
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
          {h.rows.map((x) => (
            <tr key={x.method}>
              <th scope="row">{cmp.methods[x.method]}</th>
              <td class="num">{x.z.toFixed(3)}</td>
              <td class="num">{formatP(x.p)}</td>
              <td class="num">{x.alphaAdj.toPrecision(3)}</td>
              <td class="num">{formatP(x.pAdj)}</td>
              <td>{x.reject ? `Yes: control ranks ${x.z > 0 ? 'better' : 'worse'}` : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

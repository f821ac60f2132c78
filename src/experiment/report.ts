/**
 * Experiment results as tables: mean ± std over seeds per setting × method (markdown and CSV), per-class
 * accuracy next to training frequency, and the statistics of ALGORITHM §11 (average ranks over settings,
 * Friedman / Iman–Davenport, Holm vs a control; Demšar 2006) on the per-setting means.
 */
import { type Comparison, compareAcrossSettings, type Metric } from '../core/comparison.ts';
import { type MeanStd, meanStd } from '../core/stats.ts';
import type { RunRecord } from './runner.ts';

export type { Metric };

/** The comparison of core/comparison.ts (settings as blocks). */
export type Summary = Comparison;

const uniq = (xs: string[]) => [...new Set(xs)];

/** `control` defaults to the last method listed (the experiment's convention: the proposed method last). */
export function summarize(records: readonly RunRecord[], metric: Metric = 'top1', control?: string): Summary {
  const methods = uniq(records.map((r) => r.method));
  return compareAcrossSettings(records, metric, { control: control ?? methods[methods.length - 1] });
}

const pct = (x: number) => (100 * x).toFixed(2);
const fmt = (c: MeanStd) => (c.n ? `${pct(c.mean)} ± ${pct(c.std)}` : '—');

/** The mean ± std table (rows: methods, columns: settings), average ranks and the tests, in markdown. */
export function markdownReport(s: Summary): string {
  const label = s.metric === 'top1' ? 'top-1 accuracy (%)' : 'mean per-class accuracy (%)';
  const seeds = Math.max(...s.cells.flat().map((c) => c.n));
  const lines = [
    `${label}, mean ± std over ${seeds} seed${seeds === 1 ? '' : 's'}`,
    '',
    `| method | ${s.settings.join(' | ')} |${s.avgRanks ? ' avg rank |' : ''}`,
    `|---|${s.settings.map(() => '---:').join('|')}|${s.avgRanks ? '---:|' : ''}`,
  ];
  s.methods.forEach((m, j) => {
    const row = s.settings.map((_, i) => fmt(s.cells[i][j]));
    lines.push(`| ${m} | ${row.join(' | ')} |${s.avgRanks ? ` ${s.avgRanks[j].toFixed(2)} |` : ''}`);
  });
  if (s.friedman) {
    const f = s.friedman;
    lines.push(
      '',
      `Friedman over ${f.N} settings, ${f.k} methods (ranks of the means): χ²_F = ${f.chi2.toFixed(3)} (p = ${f.pChi2.toExponential(3)}), ` +
        `Iman–Davenport F_F = ${Number.isFinite(f.ff) ? f.ff.toFixed(3) : '∞'} with (${f.df1}, ${f.df2}) dof (p = ${f.pF.toExponential(3)}).`,
    );
  }
  if (s.reason) lines.push('', `No Friedman / Holm test: ${s.reason}.`);
  if (s.holm) {
    const h = s.holm;
    lines.push(
      '',
      `Holm vs control '${h.controlName}' (z = (R_i − R_control)/SE, SE = ${h.se.toFixed(3)}, α = ${h.alpha}):`,
      '',
      '| method | z | p | α/(m−i+1) | significant |',
      '|---|---:|---:|---:|---|',
      ...h.rows.map(
        (r) =>
          `| ${s.methods[r.method]} | ${r.z.toFixed(3)} | ${r.p.toExponential(3)} | ${r.alphaAdj.toFixed(4)} | ${r.reject ? 'yes' : 'no'} |`,
      ),
    );
  }
  return lines.join('\n');
}

/**
 * Per-class accuracy against training frequency for one setting (the paper's Fig. 3). The imbalanced
 * profile puts classes in a seeded order, so rows are frequency ranks (1 = most training images): for each
 * run its classes are sorted by training images, and a row averages the class at that rank over seeds.
 * With a single seed (or a fixed order) the class names are shown too.
 */
export function perClassReport(
  records: readonly RunRecord[],
  setting: string,
  classes: readonly string[],
): string {
  const rs = records.filter((r) => r.setting === setting);
  const methods = uniq(rs.map((r) => r.method));
  const byRank = (r: RunRecord) =>
    classes.map((_, c) => c).sort((a, b) => r.trainCounts[b] - r.trainCounts[a] || a - b);
  const orders = rs.map(byRank);
  const sameOrder = orders.every((o) => o.join() === orders[0].join());
  const lines = [
    `| rank | ${sameOrder ? 'class | ' : ''}train images | ${methods.join(' | ')} |`,
    `|---:|${sameOrder ? '---|' : ''}---:|${methods.map(() => '---:').join('|')}|`,
  ];
  for (let rank = 0; rank < classes.length; rank++) {
    const count = meanStd(rs.map((r, i) => r.trainCounts[orders[i][rank]])).mean;
    const accs = methods.map((m) => {
      const v = rs
        .map((r, i) => (r.method === m ? r.perClass[orders[i][rank]] : null))
        .filter((x): x is number => x !== null);
      return v.length ? pct(meanStd(v).mean) : '—';
    });
    const name = sameOrder ? `${classes[orders[0][rank]]} | ` : '';
    lines.push(`| ${rank + 1} | ${name}${count.toFixed(1)} | ${accs.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One line per run. */
export function recordsCsv(records: readonly RunRecord[]): string {
  const head = 'setting,method,seed,top1,mean_class_acc,test_count,seconds';
  const rows = records.map((r) =>
    [r.setting, r.method, r.seed, r.top1, r.meanClassAcc, r.testCount, r.seconds.toFixed(3)]
      .map((v) => (typeof v === 'string' && /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v)))
      .join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

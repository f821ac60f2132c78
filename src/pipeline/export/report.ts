/**
 * The run report: JSON as given, and markdown for people. Class and model names are untrusted, so the
 * markdown escapes them: a name like `<img onerror=…>` or `a|b` shows as text and never breaks a table.
 */

import type { Comparison, Metric } from '../../core/comparison.ts';
import type { MeanStd } from '../../core/stats.ts';
import type { ModelCalls } from '../../ort/calls.ts';
import type { ModelCheckSummary } from '../check/result.ts';
import type { MethodsBlock } from './methods.ts';
import { type SettingRow, settingsMarkdown } from './settings-block.ts';

/** `method`/`seed`/`metrics` are the exported run's; the optional MethodsBlock compares every run. */
export interface RunReport extends Partial<MethodsBlock> {
  method: string;
  seed: number;
  classes: string[];
  sources: string[];
  /** The models used, by manifest id. */
  models: Record<string, string>;
  /** Random-weight fixture models were used: the numbers are not results. */
  plumbingOnly?: boolean;
  metrics: {
    top1: number;
    meanClassAcc: number;
    perClass: number[];
    testCount: number;
    /** confusion[true][predicted]. */
    confusion?: number[][];
  };
  /** Training images per class (real and generated), for the frequency/accuracy plot. */
  trainCounts?: number[];
  /** probs[class][source]. */
  policy?: number[][];
  /** The img2img settings the candidates were made with (the run's, else the model's). */
  generation?: { steps: number; guidance: number; strength: number };
  /** Model calls made by this invocation of the run ("<task>.<session>"); zeros for a cached re-run. */
  modelCalls?: ModelCalls;
  /** Candidates computed (not found in the cache) by this invocation. */
  generated?: number;
  /** Settings the run corrected, and why. */
  notes?: string[];
  /** Per task, the model's last `models check` (null: never checked on this machine). */
  modelChecks?: Record<string, ModelCheckSummary | null>;
  /** Crashes of the run's worker that the run survived by restarting it (none: absent). */
  restarts?: RunRestart[];
  /** Every declared setting with its value and whether it was the default, the user's or the model's. */
  settings?: SettingRow[];
}

/** One crash a supervised run restarted after: the signal, the stage it was in, when, items kept then. */
export interface RunRestart {
  signal: string;
  stage: string;
  /** ISO 8601 time of the crash. */
  at: string;
  /** Items in the store when it crashed: what the restarted worker did not have to redo. */
  kept: number;
}

/** 'SIGKILL in candidates (41 items kept); SIGSEGV in caption (12 items kept)' */
export function formatRestarts(restarts: readonly RunRestart[]): string {
  return restarts.map((r) => `${r.signal} in ${r.stage} (${r.kept} items kept)`).join('; ');
}

/** 'captioner vit-gpt2 passed; img2img sd-turbo FAILED (vae-psnr); …' */
export function formatModelChecks(checks: Record<string, ModelCheckSummary | null> | undefined): string {
  return Object.entries(checks ?? {})
    .map(([task, c]) =>
      !c
        ? `${task} not checked`
        : c.passed
          ? `${task} ${c.id} passed`
          : `${task} ${c.id} FAILED (${c.error ?? c.failed.join(', ')})`,
    )
    .join('; ');
}

/** 'img2img.unet 12 calls (12 samples), …' — one line for a terminal or a report. */
export function formatModelCalls(calls: ModelCalls | undefined): string {
  const e = Object.entries(calls ?? {});
  if (e.length === 0) return 'no model calls';
  return e.map(([k, c]) => `${k} ${c.calls} calls (${c.samples} samples)`).join(', ');
}

/** Escape markdown and HTML so untrusted text renders as itself in any markdown viewer. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|~>-]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function reportMarkdown(r: RunReport): string {
  const out: string[] = ['# AutoGenDA run report', ''];
  if (r.plumbingOnly) {
    out.push(
      '> **WARNING: made with random-weight PLUMBING fixtures, not real models. These numbers are NOT results.**',
      '',
    );
  }
  out.push(`- method: ${mdText(r.method)}`, `- seed: ${r.seed}`);
  for (const [task, id] of Object.entries(r.models)) out.push(`- ${mdText(task)}: ${mdText(id)}`);
  if (r.generation) {
    const g = r.generation;
    out.push(
      `- img2img: strength ${g.strength}, ${g.steps} steps, guidance ${g.guidance > 1 ? g.guidance : 'off'}`,
    );
  }
  if (r.modelCalls)
    out.push(
      `- model calls: ${mdText(formatModelCalls(r.modelCalls))}; ${r.generated ?? 0} candidates generated`,
    );
  if (r.modelChecks) out.push(`- models check: ${mdText(formatModelChecks(r.modelChecks))}`);
  for (const n of r.notes ?? []) out.push(`- note: ${mdText(n)}`);
  // signal and stage names are ours (no markdown in them)
  if (r.restarts?.length)
    out.push(`- restarts after a crash: ${r.restarts.length} (${formatRestarts(r.restarts)})`);
  out.push(
    '',
    `Top-1 accuracy ${pct(r.metrics.top1)}, mean per-class accuracy ${pct(r.metrics.meanClassAcc)} on ${r.metrics.testCount} test images.`,
    '',
  );
  const head = ['class', 'test accuracy'];
  if (r.trainCounts) head.push('train images');
  if (r.policy) head.push(...r.sources.map((s) => `p(${mdText(s)})`));
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`);
  r.classes.forEach((c, i) => {
    const row = [mdText(c), pct(r.metrics.perClass[i] ?? Number.NaN)];
    if (r.trainCounts) row.push(String(r.trainCounts[i] ?? ''));
    if (r.policy) row.push(...(r.policy[i] ?? []).map((p) => p.toFixed(3)));
    out.push(`| ${row.join(' | ')} |`);
  });
  out.push('');
  if (r.methods && r.runs && r.comparison && r.profiles) out.push(...methodsMarkdown(r as MethodsView));
  if (r.settings) out.push(...settingsMarkdown(r.settings));
  return out.join('\n');
}

type MethodsView = RunReport & Pick<MethodsBlock, 'methods' | 'runs' | 'comparison' | 'profiles'>;

const meanStdPct = (c: MeanStd) =>
  !c.n || !Number.isFinite(c.mean) ? '—' : c.n > 1 ? `${pct(c.mean)} ± ${pct(c.std)}` : pct(c.mean);
/** Our own sentences (reasons, notes): only what could break a table or open a tag is escaped. */
const plain = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|');
const pOf = (p: number) => (Number.isFinite(p) ? p.toExponential(3) : '—');
const METRIC_NAME: Record<Metric, string> = { top1: 'top-1', meanClassAcc: 'mean per-class accuracy' };

/** Every method × seed, mean ± std per method and profile, the rank tests (or why none), Fig. 3's numbers. */
function methodsMarkdown(r: MethodsView): string[] {
  const out: string[] = ['## Methods', ''];
  if (r.plumbingOnly) out.push('> Fixture models: a plumbing check, these numbers are NOT results.', '');
  const sweep = r.profiles.length > 1;
  out.push(
    `| ${sweep ? 'profile | ' : ''}method | seed | top-1 | mean per-class |`,
    `|${sweep ? ' --- |' : ''} --- | ---: | ---: | ---: |`,
  );
  for (const x of r.runs) {
    const p = sweep ? `${mdText(x.profile)} | ` : '';
    out.push(`| ${p}${mdText(x.method)} | ${x.seed} | ${pct(x.top1)} | ${pct(x.meanClassAcc)} |`);
  }
  const cmp = r.comparison;
  out.push(
    '',
    'Mean ± sample std over seeds:',
    '',
    `| method | ${r.profiles.map((p) => `top-1 ${mdText(p)} | mean per-class ${mdText(p)}`).join(' | ')} |`,
    `| --- |${r.profiles.map(() => ' ---: | ---: |').join('')}`,
  );
  cmp.top1.methods.forEach((m, j) => {
    const cells = r.profiles.map(
      (_, i) => `${meanStdPct(cmp.top1.cells[i][j])} | ${meanStdPct(cmp.meanClassAcc.cells[i][j])}`,
    );
    out.push(`| ${mdText(m)} | ${cells.join(' | ')} |`);
  });
  for (const metric of ['top1', 'meanClassAcc'] as const) out.push('', ...testsMarkdown(cmp[metric], metric));
  out.push(...frequencyMarkdown(r), '');
  return out;
}

function testsMarkdown(c: Comparison, metric: Metric): string[] {
  const name = METRIC_NAME[metric];
  if (!c.friedman || !c.holm || !c.avgRanks)
    return [`No rank test on ${name}: ${plain(c.reason ?? 'no result')}.`];
  const f = c.friedman;
  const h = c.holm;
  const out = [
    `Rank tests on ${name}, ${f.N} profiles as the blocks: average ranks ${c.methods
      .map((m, j) => `${mdText(m)} ${c.avgRanks?.[j].toFixed(2)}`)
      .join(', ')}; Friedman χ²_F = ${f.chi2.toFixed(3)} (p = ${pOf(f.pChi2)}), Iman–Davenport F_F = ${
      Number.isFinite(f.ff) ? f.ff.toFixed(3) : '∞'
    } with (${f.df1}, ${f.df2}) dof (p = ${pOf(f.pF)}).`,
  ];
  if (c.controlNote) out.push('', `Note: ${plain(c.controlNote)}.`);
  out.push(
    '',
    `| Holm vs ${mdText(h.controlName)} | z | p | α/(m−i+1) | significant |`,
    '| --- | ---: | ---: | ---: | --- |',
    ...h.rows.map(
      (x) =>
        `| ${mdText(c.methods[x.method])} | ${x.z.toFixed(3)} | ${pOf(x.p)} | ${x.alphaAdj.toFixed(4)} | ${x.reject ? 'yes' : 'no'} |`,
    ),
  );
  return out;
}

/** Per-class test accuracy (mean over seeds) against training images, the exported profile's runs. */
function frequencyMarkdown(r: MethodsView): string[] {
  const first = r.runs.filter((x) => x.profile === r.profiles[0]);
  const counts = first[0]?.trainCounts ?? [];
  const methods = [...new Set(first.map((x) => x.method))];
  const order = r.classes.map((_, k) => k).sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a - b);
  const acc = (m: string, k: number) => {
    const v = first
      .filter((x) => x.method === m)
      .map((x) => x.perClass[k])
      .filter((a): a is number => typeof a === 'number' && Number.isFinite(a));
    return v.length ? pct(v.reduce((a, b) => a + b, 0) / v.length) : '—';
  };
  return [
    '',
    `Per-class test accuracy (mean over seeds) against training images${r.profiles.length > 1 ? `, ${mdText(r.profiles[0])}` : ''}:`,
    '',
    `| class | train images | ${methods.map(mdText).join(' | ')} |`,
    `| --- | ---: |${methods.map(() => ' ---: |').join('')}`,
    ...order.map(
      (k) =>
        `| ${mdText(r.classes[k])} | ${counts[k] ?? ''} | ${methods.map((m) => acc(m, k)).join(' | ')} |`,
    ),
  ];
}

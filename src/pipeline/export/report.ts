/**
 * The run report: JSON as given, and markdown for people. Class and model names are untrusted, so the
 * markdown escapes them: a name like `<img onerror=…>` or `a|b` shows as text and never breaks a table.
 */

import type { ModelCalls } from '../../ort/calls.ts';
import type { ModelCheckSummary } from '../check/result.ts';

export interface RunReport {
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
  return out.join('\n');
}

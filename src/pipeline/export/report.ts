/**
 * The run report: JSON as given, and markdown for people. Class and model names are untrusted, so the
 * markdown escapes them: a name like `<img onerror=…>` or `a|b` shows as text and never breaks a table.
 */

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

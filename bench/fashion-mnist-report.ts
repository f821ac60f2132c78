/**
 * Re-render an experiment's report (table, statistics, per-class table) from its results.json, e.g. with
 * another control or metric, without re-running it:
 *   node_modules/.bin/deno run -A --no-check bench/fashion-mnist-report.ts DIR [control] [top1|mean-class]
 */
import { FASHION_MNIST_CLASSES } from '../src/experiment/fashion-mnist.ts';
import { markdownReport, perClassReport, summarize } from '../src/experiment/report.ts';
import type { RunRecord } from '../src/experiment/runner.ts';

declare const Deno: { readTextFile(p: string): Promise<string>; args: string[] };

const [dir, control, metric] = Deno.args;
const results = JSON.parse(await Deno.readTextFile(`${dir}/results.json`));
const records: RunRecord[] = results.records;
const summary = summarize(
  records,
  metric === 'mean-class' ? 'meanClassAcc' : 'top1',
  control ?? 'search-conv',
);
console.log(`adapter: ${results.adapter}; training: ${JSON.stringify(results.train)}\n`);
console.log(markdownReport(summary));
for (const s of summary.settings)
  console.log(
    `\nPer-class accuracy (%) by training-frequency rank, ${s}:\n\n${perClassReport(records, s, FASHION_MNIST_CLASSES)}`,
  );

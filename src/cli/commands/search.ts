/**
 * `autogenda search`: the policy search and final training on a precomputed feature bank, on the GPU.
 * Reads a bank directory (features.npy, labels.npy, split.json, bank.json) and writes policy.json,
 * metrics.json and history.json into --out.
 */

import { adapterLabel } from '../../gpu/capabilities.ts';
import { Gpu } from '../../gpu/device.ts';
import { type BankFs, denoFs, readBankDir } from '../../train/bank-io.ts';
import { parseMethod } from '../../train/methods.ts';
import { runMethod } from '../../train/run-method.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type Command, EXIT } from '../command.ts';
import { progressBar } from '../progress-bar.ts';
import { TRAIN_FLAGS, trainConfigFrom } from '../train-flags.ts';

const FLAGS = {
  bank: {
    type: 'string',
    value: 'DIR',
    help: 'feature bank directory (features.npy, labels.npy, split.json, bank.json)',
  },
  out: { type: 'string', value: 'DIR', help: 'where to write policy.json, metrics.json, history.json' },
  method: {
    type: 'string',
    value: 'NAME',
    help: "autogenda (default), search-free, identity, or a policy as JSON: '[p0,p1,p2]' or '[[…] per class]'",
  },
  seed: { type: 'number', value: 'N', help: 'random seed (default 0): same seed, same adapter → same run' },
  ...TRAIN_FLAGS,
} as const;

export function makeSearch(fs: () => BankFs = denoFs): Command {
  const search: Command = {
    name: 'search',
    summary: 'Search the augmentation policy (α, θ) on precomputed features, on the GPU',
    usage: [
      'Usage: autogenda search --bank DIR --out DIR [--method NAME] [--seed N] [--epochs N] [--head linear|mlp]',
      '',
      'Learns, per class, how often to use each source (the real image, a local-caption image, a',
      'transfer-caption image, …) by the Gumbel-softmax bilevel search, trains a fresh head with that policy',
      'on train ∪ valid and evaluates it on the test split (source 0, candidate 0).',
      '',
      'Options:',
      ...formatFlags(FLAGS),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!flags.bank) throw new UsageError('--bank DIR is required');
      if (!flags.out) throw new UsageError('--out DIR is required');
      const cfg = trainConfigFrom(flags, flags.seed !== undefined ? { seed: flags.seed } : {});
      const files = fs();
      const { bank, warnings } = await readBankDir(flags.bank, files);
      for (const w of warnings) io.err(`warning: ${w}`);
      const method = parseMethod(flags.method ?? 'autogenda', bank.S);
      const gpu = await Gpu.acquire();
      io.err(`adapter: ${adapterLabel(gpu.capabilities)}`);
      io.err(
        `bank: ${bank.N} samples × ${bank.S} sources × ${bank.K} candidates × ${bank.D} dims, ${bank.classes.length} classes`,
      );
      const onProgress = io.status ? progressBar(io.status.bind(io)) : undefined;
      const result = await runMethod(gpu, bank, method, cfg, { onProgress });
      const out = flags.out.replace(/[/\\]+$/, '');
      await files.mkdir(out, { recursive: true });
      const write = (name: string, value: unknown) =>
        files.writeFile(`${out}/${name}`, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
      await write('policy.json', {
        classes: result.classes,
        sources: result.sources,
        probs: result.probs,
        method: result.method,
      });
      await write('metrics.json', {
        top1: result.metrics.top1,
        meanClassAcc: result.metrics.meanClassAcc,
        perClass: result.metrics.perClass,
        confusion: result.metrics.confusion,
        testCount: result.metrics.count,
        method: result.method,
        seed: cfg.seed,
        adapter: adapterLabel(gpu.capabilities),
        config: cfg,
        stats: result.stats,
        dispatchesPerStep: result.dispatchesPerStep,
      });
      await write('history.json', {
        classes: result.classes,
        sources: result.sources,
        search: result.history.search,
        finalLoss: result.history.finalLoss,
      });
      io.out(
        `method ${result.method}: top-1 ${(100 * result.metrics.top1).toFixed(2)}%, mean per-class ${(100 * result.metrics.meanClassAcc).toFixed(2)}% on ${result.metrics.count} test images`,
      );
      io.out(`wrote ${out}/policy.json, metrics.json, history.json`);
      gpu.destroy();
      return EXIT.OK;
    },
  };
  return Object.freeze(search);
}

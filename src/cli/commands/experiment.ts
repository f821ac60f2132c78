/**
 * `autogenda experiment`: settings × methods × seeds on Fashion-MNIST (conventional sources rendered on the
 * GPU) or on a bank directory (any sources, e.g. generated candidates), then the mean ± std table, per-class
 * accuracy vs training frequency, and the Friedman / Holm statistics. Writes results.json, runs.csv and
 * report.md with --out.
 */

import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DIR,
  loadFashionMnist,
} from '../../experiment/fashion-mnist.ts';
import { fashionMnistProvider, fixedBankProvider } from '../../experiment/providers.ts';
import {
  type Metric,
  markdownReport,
  perClassReport,
  recordsCsv,
  summarize,
} from '../../experiment/report.ts';
import { planMethods, runExperiment, type SettingProvider } from '../../experiment/runner.ts';
import { adapterLabel } from '../../gpu/capabilities.ts';
import { Gpu } from '../../gpu/device.ts';
import { Augmenter } from '../../stages/augment/augmenter.ts';
import { type BankFs, denoFs, readBankDir } from '../../train/bank-io.ts';
import { sourcesFor } from '../../train/method-registry.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type Command, EXIT } from '../command.ts';
import { progressBar } from '../progress-bar.ts';
import { TRAIN_FLAGS, trainConfigFrom } from '../train-flags.ts';

export const DEFAULT_FACTORS = '0.01,0.1,0.2,0.5';
export const DEFAULT_IMAGE_METHODS = 'identity,simple,randaugment,search-free-conv,search-conv';

const FLAGS = {
  dataset: { type: 'string', value: 'NAME', help: 'fashion-mnist (default; Debian dataset-fashion-mnist)' },
  'data-dir': {
    type: 'string',
    value: 'DIR',
    help: `where the dataset's files are (default ${FASHION_MNIST_DIR})`,
  },
  bank: {
    type: 'string',
    value: 'DIR',
    help: 'use a feature bank directory instead of a dataset (one setting)',
  },
  factors: { type: 'string', value: 'LIST', help: `imbalance factors (default ${DEFAULT_FACTORS})` },
  profiles: {
    type: 'string',
    value: 'LIST',
    help: "settings as profiles instead, e.g. 'lowshot:4,lowshot:16'",
  },
  methods: { type: 'string', value: 'LIST', help: `methods (default ${DEFAULT_IMAGE_METHODS})` },
  seeds: { type: 'number', value: 'N', help: 'seeds 0..N-1 per setting (default 3; the paper uses 8)' },
  views: {
    type: 'number',
    value: 'K',
    help: 'views (candidates) per image and conventional source (default 4)',
  },
  cap: {
    type: 'number',
    value: 'N',
    help: 'images per class before the profile, c of the imbalanced profile (default 200)',
  },
  'test-per-class': { type: 'number', value: 'N', help: 'test images per class (default 100)' },
  ...TRAIN_FLAGS,
  control: {
    type: 'string',
    value: 'NAME',
    help: 'control method of the Holm test (default: the last method)',
  },
  metric: {
    type: 'string',
    value: 'top1|mean-class',
    help: 'what the table and the tests use (default top1)',
  },
  out: { type: 'string', value: 'DIR', help: 'write results.json, runs.csv and report.md here' },
} as const;

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function makeExperiment(fs: () => BankFs = denoFs): Command {
  const command: Command = {
    name: 'experiment',
    summary: "Compare augmentation methods over settings × seeds (the paper's baselines) with statistics",
    usage: [
      'Usage: autogenda experiment [--factors LIST] [--methods LIST] [--seeds N] [--out DIR]',
      '       autogenda experiment --bank DIR --methods LIST [--seeds N]',
      '',
      'Runs every method on every setting for every seed and prints top-1 accuracy as mean ± std, the',
      'average ranks, the Friedman test and Holm tests of a control against each method (Demšar 2006).',
      'On Fashion-MNIST the sources are conventional (identity, simple, flip-crop, randaugment views rendered',
      'on the GPU; features are the pixels); a bank directory brings any sources (e.g. local/transfer).',
      'Methods: identity, simple, randaugment, dafusion, git, search-free, wo-local, wo-transfer, autogenda,',
      'autogenda+ra, search-free-conv, search-conv, or search:a+b, uniform:a+b, fixed:a=p,b=q.',
      '',
      'Options:',
      ...formatFlags(FLAGS),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (flags.dataset && flags.dataset !== 'fashion-mnist')
        throw new UsageError(
          `unknown dataset '${flags.dataset}': only fashion-mnist is built in; use --bank DIR`,
        );
      const metric: Metric = flags.metric === 'mean-class' ? 'meanClassAcc' : 'top1';
      if (flags.metric && !['top1', 'mean-class'].includes(flags.metric))
        throw new UsageError(`--metric must be top1 or mean-class`);
      const seeds = flags.seeds ?? 3;
      if (!Number.isInteger(seeds) || seeds < 1) throw new UsageError('--seeds must be a positive integer');
      const methods = planMethods(list(flags.methods ?? DEFAULT_IMAGE_METHODS));
      const train = trainConfigFrom(flags);
      const files = fs();
      const gpu = await Gpu.acquire();
      try {
        io.err(`adapter: ${adapterLabel(gpu.capabilities)}`);
        const onProgress = io.status ? progressBar(io.status.bind(io)) : undefined;
        let settings: string[];
        let provide: SettingProvider;
        let classes: string[];
        if (flags.bank) {
          const { bank, warnings } = await readBankDir(flags.bank, files);
          for (const w of warnings) io.err(`warning: ${w}`);
          settings = [
            flags.bank
              .replace(/[/\\]+$/, '')
              .split(/[/\\]/)
              .pop() || 'bank',
          ];
          provide = fixedBankProvider(bank);
          classes = bank.classes;
        } else {
          settings = flags.profiles
            ? list(flags.profiles)
            : list(flags.factors ?? DEFAULT_FACTORS).map((f) => `imbalanced:${f}`);
          const dir = flags['data-dir'] ?? FASHION_MNIST_DIR;
          const [tr, te] = await Promise.all([
            loadFashionMnist('train', files.readFile, dir),
            loadFashionMnist('test', files.readFile, dir),
          ]);
          const aug = await Augmenter.create(gpu);
          provide = fashionMnistProvider(aug, tr, te, {
            sources: sourcesFor(methods),
            views: flags.views ?? 4,
            cap: flags.cap ?? 200,
            testPerClass: flags['test-per-class'] ?? 100,
            onProgress,
          });
          classes = FASHION_MNIST_CLASSES;
        }
        io.err(`${settings.length} setting(s) × ${methods.length} method(s) × ${seeds} seed(s)`);
        const records = await runExperiment(
          gpu,
          {
            settings,
            methods: methods.map((m) => m.name),
            seeds: Array.from({ length: seeds }, (_, i) => i),
            train,
          },
          provide,
          {
            onProgress,
            onRun: (r, i, total) =>
              io.err(
                `[${i}/${total}] ${r.setting} ${r.method} seed ${r.seed}: top-1 ${(100 * r.top1).toFixed(2)}% (${r.seconds.toFixed(1)} s)`,
              ),
          },
        );
        const control =
          flags.control ?? (methods.some((m) => m.name === 'search-conv') ? 'search-conv' : undefined);
        const summary = summarize(records, metric, control);
        const report = [
          markdownReport(summary),
          ...settings.map(
            (s) =>
              `\nPer-class accuracy (%) by training-frequency rank, ${s}:\n\n${perClassReport(records, s, classes)}`,
          ),
        ].join('\n');
        io.out(report);
        if (flags.out) {
          const out = flags.out.replace(/[/\\]+$/, '');
          await files.mkdir(out, { recursive: true });
          const enc = (s: string) => new TextEncoder().encode(s);
          const meta = { adapter: adapterLabel(gpu.capabilities), train, settings, seeds, argv: [...argv] };
          await files.writeFile(
            `${out}/results.json`,
            enc(`${JSON.stringify({ ...meta, summary, records }, null, 1)}\n`),
          );
          await files.writeFile(`${out}/runs.csv`, enc(recordsCsv(records)));
          await files.writeFile(`${out}/report.md`, enc(`${report}\n`));
          io.out(`wrote ${out}/results.json, runs.csv, report.md`);
        }
        return EXIT.OK;
      } finally {
        gpu.destroy();
      }
    },
  };
  return Object.freeze(command);
}

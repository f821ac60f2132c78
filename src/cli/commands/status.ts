/**
 * `autogenda status --out DIR`: what a run's store under DIR/.store holds, per collection, and for
 * each stage the run planned (DIR/.plan, `pipeline/plan-file.ts`) how many items are done and which
 * shards (`--shard I/N`) still miss work — the check between a job array and its final run. Also
 * reports, and with --clean removes, what crashed writers left in the store.
 */

import { readPlans } from '../../pipeline/plan-file.ts';
import { collectionCounts, formatStatus, stageStatus } from '../../pipeline/status.ts';
import { openFsStore } from '../../storage/fs.ts';
import type { FsAdapter } from '../../storage/fs-adapter.ts';
import { denoFs } from '../../storage/fs-deno.ts';
import { STALE_MS, sweepFsStore } from '../../storage/fs-sweep.ts';
import { COLLECTIONS } from '../../storage/schema.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type Command, EXIT } from '../command.ts';

const FLAGS = {
  out: { type: 'string', value: 'DIR', help: "the run's --out (its store is DIR/.store)" },
  shards: {
    type: 'number',
    value: 'N',
    help: 'the N of the --shard I/N runs, to name shards with missing work (default: the one in the plan)',
  },
  json: { type: 'boolean', help: 'print the report as JSON instead' },
  check: { type: 'boolean', help: 'exit 1 when a planned item is missing (for scripts)' },
  clean: { type: 'boolean', help: 'remove files of crashed writers older than an hour' },
} as const;

export function makeStatus(fs: () => FsAdapter = () => denoFs): Command {
  const status: Command = {
    name: 'status',
    summary: 'How much of a run is done, per stage, and which shards are missing work',
    usage: [
      'Usage: autogenda status --out DIR [--shards N] [--json] [--check] [--clean]',
      '',
      'Reads the store of a run (DIR/.store; `autogenda run` with the same --out), changing nothing but --clean:',
      'records per collection, and for each stage the run planned, items done / expected and the',
      'shards (of --shard I/N) that still miss items. Also counts leftovers of crashed writers.',
      '',
      'Options:',
      ...formatFlags(FLAGS),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!flags.out) throw new UsageError('--out DIR is required');
      if (flags.shards !== undefined && !(Number.isInteger(flags.shards) && flags.shards >= 1))
        throw new UsageError(`--shards must be a whole number ≥ 1, not ${flags.shards}`);
      const files = fs();
      const out = flags.out.replace(/[/\\]+$/, '');
      const root = `${out}/.store`;
      // Opening would create an empty store: say plainly that there is none instead.
      if (!(await files.readFile(`${root}/schema.json`))) {
        io.err(`autogenda status: no store at ${root} (has \`autogenda run --out ${out}\` started?)`);
        return EXIT.FAILURE;
      }
      const store = await openFsStore(files, root);
      try {
        const counts = await collectionCounts(store, COLLECTIONS);
        const stages = [];
        for (const p of await readPlans(files, out)) stages.push(await stageStatus(store, p, flags.shards));
        const leftovers = await sweepFsStore(files, root, COLLECTIONS, { dryRun: !flags.clean });
        const incomplete = stages.some((s) => s.done < s.expected);
        if (flags.json)
          io.out(JSON.stringify({ collections: counts, stages, leftovers, complete: !incomplete }));
        else {
          for (const l of formatStatus(counts, stages)) io.out(l);
          const n = leftovers.tmp + leftovers.orphans;
          if (n > 0)
            io.out(
              `${flags.clean ? 'removed' : 'stale'}: ${leftovers.tmp} interrupted writes, ${leftovers.orphans} unreferenced data files older than ${STALE_MS / 60_000} min${flags.clean ? '' : ' (--clean removes them)'}`,
            );
          if (leftovers.young > 0) io.out(`${leftovers.young} files being written or too recent to clean`);
        }
        return flags.check && incomplete ? EXIT.FAILURE : EXIT.OK;
      } finally {
        await store.close();
      }
    },
  };
  return status;
}

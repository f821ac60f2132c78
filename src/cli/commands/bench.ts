/**
 * `autogenda bench <name> [args…]`: runs one of the benchmark scripts in bench/ (each compares
 * implementations side by side in one run and prints a table + JSON; see bench/README.md). The
 * scripts own their flags; everything after the name is passed through. Running a script is injected
 * (a Deno subprocess in the CLI), so the dispatch is testable anywhere.
 */
import { UsageError } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';

export const BENCHES: Readonly<Record<string, { file: string; what: string }>> = Object.freeze({
  train: { file: 'train-bench.ts', what: 'training engine vs tfjs-backend-webgpu and a CPU loop (--quick)' },
  kernels: { file: 'kernel-profile.ts', what: 'time per WGSL kernel of one training step (--reps N)' },
  img2img: { file: 'img2img.ts', what: 'img2img phases on fixture graphs, WebGPU vs wasm (--steps N)' },
  features: {
    file: 'feature-batch.ts',
    what: 'backbone features one call per image vs per batch (--images N)',
  },
  batch: {
    file: 'model-batch.ts',
    what: 'captions and img2img one call per image vs per batch of 2, 4, 8 (--images N)',
  },
  alpha: { file: 'alpha-defaults.ts', what: 'α optimiser settings on imbalanced Fashion-MNIST (--quick)' },
});

/** Runs bench/<file> with args; resolves to its exit code. */
export type BenchRunner = (file: string, args: readonly string[]) => Promise<number>;

export function makeBench(runner: BenchRunner = denoRunner): Command {
  const names = Object.entries(BENCHES)
    .map(([n, b]) => `  ${n.padEnd(8)} ${b.what}`)
    .join('\n');
  return Object.freeze({
    name: 'bench',
    summary: 'Run a benchmark (training engine, kernels, img2img, α defaults); prints a table and JSON',
    usage: `Usage: autogenda bench <name> [options of that benchmark]\n\nBenchmarks (bench/README.md; figures go to bench/RESULTS.md):\n${names}\n\nFigures from software adapters size things; they are not GPU performance claims.`,
    run: async ({ argv }: CommandContext) => {
      const [name, ...rest] = argv;
      if (!name) throw new UsageError(`name a benchmark: ${Object.keys(BENCHES).join(', ')}`);
      const b = Object.hasOwn(BENCHES, name) ? BENCHES[name] : undefined;
      if (!b) throw new UsageError(`unknown benchmark '${name}': use ${Object.keys(BENCHES).join(', ')}`);
      return runner(b.file, rest);
    },
  });
}

interface DenoSpawn {
  execPath(): string;
  Command: new (
    cmd: string,
    o: { args: string[]; stdout: 'inherit'; stderr: 'inherit' },
  ) => { output(): Promise<{ code: number }> };
}

const denoRunner: BenchRunner = async (file, args) => {
  const d = (globalThis as { Deno?: DenoSpawn }).Deno;
  if (!d) throw new Error('autogenda bench runs on Deno (npx autogenda bench …)');
  const path = new URL(`../../../bench/${file}`, import.meta.url).pathname;
  const cmd = new d.Command(d.execPath(), {
    args: ['run', '-A', '--no-check', path, ...args],
    stdout: 'inherit',
    stderr: 'inherit',
  });
  return (await cmd.output()).code;
};

/**
 * When the supervised `autogenda run` restarts its worker process, and what it prints. Pure: no Deno.
 *
 * A worker that dies by a signal other than a stop request crashed (a GPU driver, ONNX Runtime, the
 * out-of-memory killer). The store keeps every finished item, so a restart only costs the item at hand.
 * `--restarts N` bounds the restarts *in a row without a newly finished item*: a run that crashes now
 * and then but moves on keeps going overnight; one that crashes at the same item N + 1 times stops.
 */
import type { RunRestart } from '../../pipeline/export/report.ts';
import { UsageError } from '../args.ts';

export const DEFAULT_RESTARTS = 5;

export const RESTARTS_FLAG = {
  type: 'number',
  value: 'N',
  help: `restart the run after a crash, up to N times in a row without progress (default ${DEFAULT_RESTARTS}; 0 = off)`,
} as const;

export function restartsFlag(v: number | undefined): number {
  if (v === undefined) return DEFAULT_RESTARTS;
  if (!Number.isInteger(v) || v < 0) throw new UsageError('--restarts must be an integer >= 0');
  return v;
}

/** Linux numbers (signal(7)) of the signals a process can die by, for the shell's exit code 128 + n. */
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGSYS: 31,
};

/** The exit code a shell reports for a process killed by `signal` (139 for SIGSEGV). */
export function signalExitCode(signal: string): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 0);
}

/** Signals by which someone asks a run to stop: never answered with a restart. */
const STOP_SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

export function isCrash(signal: string): boolean {
  return !STOP_SIGNALS.has(signal);
}

/** Waits before restart n of a streak: 0.5 s, 1 s, 2 s, … up to 8 s (a flapping driver gets air). */
export function backoffMs(streak: number): number {
  return Math.min(500 * 2 ** Math.max(0, streak - 1), 8000);
}

/** Stages that run ONNX Runtime models (where `--ep wasm` avoids the WebGPU provider). */
const MODEL_STAGES = new Set(['caption', 'neighbours', 'candidates', 'features']);

function advice(c: RunRestart): string {
  const tips = ['re-run the same command to continue'];
  if (MODEL_STAGES.has(c.stage))
    tips.push('if it crashes there again, try --ep wasm (ONNX Runtime on the CPU)');
  if (c.signal === 'SIGKILL') tips.push('SIGKILL is often the out-of-memory killer (see dmesg)');
  return tips.join('; ');
}

export type Decision = { restart: true; delayMs: number; line: string } | { restart: false; line: string };

/** Counts crashes; `restarts` are the ones the run went on after (the final report lists them). */
export class RestartBudget {
  readonly restarts: RunRestart[] = [];
  private streak = 0;
  private keptAtLast = -1;

  constructor(readonly max: number) {}

  /** The worker (pid) crashed as `c` says: restart it after a pause, or stop with the reason. */
  crash(c: RunRestart, pid: number): Decision {
    this.streak = c.kept > this.keptAtLast ? 1 : this.streak + 1;
    this.keptAtLast = c.kept;
    const what = `autogenda run: the worker process (pid ${pid}) died by ${c.signal} in the ${c.stage} stage; ${c.kept} items kept`;
    if (this.max === 0)
      return { restart: false, line: `${what}; not restarting (--restarts 0): ${advice(c)}.` };
    if (this.streak > this.max) {
      return {
        restart: false,
        line: `${what}; it crashed ${this.streak} times in a row without finishing an item, so the run stops (--restarts ${this.max}): ${advice(c)}.`,
      };
    }
    this.restarts.push(c);
    const delayMs = backoffMs(this.streak);
    return {
      restart: true,
      delayMs,
      line: `${what}; restart ${this.restarts.length} (${this.streak} of ${this.max} in a row) in ${delayMs / 1000} s, continuing from the store`,
    };
  }
}

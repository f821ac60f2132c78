/**
 * The worker side of a supervised `autogenda run` (supervisor.ts starts it; it is the real run): it
 * tells the supervisor its stage through a small status file in --out, learns the crashes before it
 * from the environment (so the final report lists them), and ends when the supervisor is gone.
 */
import type { RunRestart } from '../../pipeline/export/report.ts';
import { signalExitCode } from './restart-policy.ts';

/** Set by the supervisor to its own pid: this process is the worker. */
export const WORKER_ENV = 'AUTOGENDA_RUN_WORKER';
/** The earlier crashes as a JSON `RunRestart[]`. */
export const RESTARTS_ENV = 'AUTOGENDA_RUN_RESTARTS';

/** Rewritten at each stage change, so the supervisor can name the stage a crash happened in. */
export const statusPath = (out: string): string => `${out}/.run-worker.json`;

export interface WorkerStatus {
  pid: number;
  /** The supervisor's pid (the process a user's Ctrl+C or kill is meant for). */
  supervisor: number;
  stage: string;
  at: string;
}

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: {
  readonly pid: number;
  readonly ppid: number;
  env: { get(name: string): string | undefined };
  mkdirSync(p: string, o: { recursive: boolean }): void;
  writeTextFileSync(p: string, d: string): void;
  stdin: { read(buf: Uint8Array): Promise<number | null> };
  exit(code: number): never;
};

export interface RunWorker {
  /** The crashes this run has survived so far (empty on a first, uninterrupted start). */
  readonly restarts: RunRestart[];
  /** The run entered `stage` (called on every progress event; writes only on a change). */
  stage(stage: string): void;
}

export function parseRestarts(json: string | undefined): RunRestart[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v)) return [];
    return v.filter(
      (r): r is RunRestart =>
        typeof r?.signal === 'string' &&
        typeof r.stage === 'string' &&
        typeof r.at === 'string' &&
        typeof r.kept === 'number',
    );
  } catch {
    return [];
  }
}

/** This process's worker side when a supervisor started it; undefined otherwise (the supervisor's turn). */
export function runWorker(out: string): RunWorker | undefined {
  const parent = Number(Deno.env.get(WORKER_ENV));
  if (!parent) return undefined;
  Deno.mkdirSync(out, { recursive: true });
  let current = '';
  const stage = (s: string) => {
    if (s === current) return;
    current = s;
    const status: WorkerStatus = {
      pid: Deno.pid,
      supervisor: parent,
      stage: s,
      at: new Date().toISOString(),
    };
    Deno.writeTextFileSync(statusPath(out), JSON.stringify(status));
  };
  stage('start-up');
  // The supervisor holds our stdin open; end of file means it died (even by SIGKILL): stop as a kill would.
  if (Deno.ppid === parent) void untilEof().then(() => Deno.exit(signalExitCode('SIGTERM')));
  return { restarts: parseRestarts(Deno.env.get(RESTARTS_ENV)), stage };
}

async function untilEof(): Promise<void> {
  const buf = new Uint8Array(64);
  try {
    while ((await Deno.stdin.read(buf)) !== null);
  } catch {
    // a closed or broken stdin is the same news
  }
}

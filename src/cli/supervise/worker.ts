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

/**
 * Ctrl+C, relayed. A terminal sends SIGINT to the whole process group: the launcher, the supervisor and the
 * worker each get it, and the launcher passes its copy on as well. Only the supervisor can tell one press
 * from two by when the signals come, because its event loop is never busy. A worker's handler runs only
 * when the worker's current model call or training step ends, and that can be a second after the press.
 * So the supervisor relays each press (supervisor.ts), and the worker leaves SIGINT itself alone.
 */
export const PRESS_SIGNALS = { first: 'SIGUSR1', again: 'SIGUSR2' } as const;

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: {
  readonly pid: number;
  readonly ppid: number;
  env: { get(name: string): string | undefined };
  mkdirSync(p: string, o: { recursive: boolean }): void;
  writeTextFileSync(p: string, d: string): void;
  stdin: { read(buf: Uint8Array): Promise<number | null> };
  exit(code: number): never;
  addSignalListener(s: string, f: () => void): void;
  removeSignalListener(s: string, f: () => void): void;
};

export interface RunWorker {
  /** The crashes this run has survived so far (empty on a first, uninterrupted start). */
  readonly restarts: RunRestart[];
  /** The run entered `stage` (called on every progress event; writes only on a change). */
  stage(stage: string): void;
  /**
   * Calls `first` on the first Ctrl+C the supervisor relays and `again` on a later one; SIGINT itself is
   * ignored. Where the platform has no SIGUSR1 (Windows), SIGINT is read directly, with repeats within a
   * second taken as the same press. Returns the function that removes the listeners.
   */
  onPresses(first: () => void, again: () => void): () => void;
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
  return { restarts: parseRestarts(Deno.env.get(RESTARTS_ENV)), stage, onPresses };
}

function onPresses(first: () => void, again: () => void): () => void {
  const listen = (pairs: [string, () => void][]) => {
    for (const [s, f] of pairs) Deno.addSignalListener(s, f);
    return () => {
      for (const [s, f] of pairs) Deno.removeSignalListener(s, f);
    };
  };
  try {
    // the press signals first: where they throw, nothing is left listening
    return listen([
      [PRESS_SIGNALS.first, first],
      [PRESS_SIGNALS.again, again],
      ['SIGINT', () => {}],
    ]);
  } catch {
    let firstAt = 0;
    return listen([
      [
        'SIGINT',
        () => {
          if (!firstAt) {
            firstAt = Date.now();
            first();
          } else if (Date.now() - firstAt > 1000) again();
        },
      ],
    ]);
  }
}

async function untilEof(): Promise<void> {
  const buf = new Uint8Array(64);
  try {
    while ((await Deno.stdin.read(buf)) !== null);
  } catch {
    // a closed or broken stdin is the same news
  }
}

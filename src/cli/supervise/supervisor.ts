/**
 * The supervised `autogenda run`: the run itself happens in a worker process (this same Deno command,
 * marked by WORKER_ENV); when the worker dies by a crash signal, the supervisor says so in one line and
 * starts it again (restart-policy.ts bounds it), and the new worker continues from --out/.store, where
 * every finished item already is. Exit codes that are not signals pass through unchanged; Ctrl+C and
 * `kill` of the supervisor stop the worker as they would stop an unsupervised run.
 */
import { CANCELLED_MESSAGE } from '../../pipeline/cancel.ts';
import type { RunRestart } from '../../pipeline/export/report.ts';
import { type CliIO, EXIT } from '../command.ts';
import { isCrash, RestartBudget, signalExitCode } from './restart-policy.ts';
import { PRESS_SIGNALS, RESTARTS_ENV, statusPath, WORKER_ENV, type WorkerStatus } from './worker.ts';

type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

interface Child {
  readonly pid: number;
  readonly status: Promise<{ code: number; signal: string | null }>;
  readonly stdin: WritableStream<Uint8Array>;
  kill(signal: StopSignal | (typeof PRESS_SIGNALS)[keyof typeof PRESS_SIGNALS]): void;
}

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: {
  readonly pid: number;
  readonly args: readonly string[];
  readonly mainModule: string;
  execPath(): string;
  Command: new (
    cmd: string,
    o: {
      args: string[];
      env: Record<string, string>;
      stdin: 'piped';
      stdout: 'inherit';
      stderr: 'inherit';
    },
  ) => { spawn(): Child };
  readTextFile(p: string): Promise<string>;
  readDir(p: string): AsyncIterable<{ name: string; isFile: boolean; isDirectory: boolean }>;
  remove(p: string): Promise<void>;
  addSignalListener(s: StopSignal, f: () => void): void;
  removeSignalListener(s: StopSignal, f: () => void): void;
  stderr: { isTerminal(): boolean };
};

/** This process's own command line without the executable (Deno flags kept), else the launcher's. */
async function sameCommand(): Promise<string[]> {
  const fallback = ['run', '-A', '--no-check', Deno.mainModule, ...Deno.args];
  try {
    const argv = (await Deno.readTextFile('/proc/self/cmdline')).split('\0').slice(1, -1);
    const tail = argv.slice(argv.length - Deno.args.length);
    return tail.every((a, i) => a === Deno.args[i]) ? argv : fallback;
  } catch {
    return fallback; // no /proc (macOS): the flags scripts/autogenda.mjs uses
  }
}

/** The stage the worker `pid` last reported; 'start-up' if it died before reporting one. */
async function stageOf(out: string, pid: number): Promise<string> {
  try {
    const s = JSON.parse(await Deno.readTextFile(statusPath(out))) as WorkerStatus;
    return s.pid === pid ? s.stage : 'start-up';
  } catch {
    return 'start-up';
  }
}

/** Records in the store (a record is committed when its .json exists: storage/fs.ts). */
async function keptItems(store: string): Promise<number> {
  let n = 0;
  try {
    for await (const c of Deno.readDir(store)) {
      if (!c.isDirectory) continue;
      for await (const f of Deno.readDir(`${store}/${c.name}`)) if (f.isFile && f.name.endsWith('.json')) n++;
    }
  } catch {
    // no store yet: nothing kept
  }
  return n;
}

export async function superviseRun(o: { out: string; maxRestarts: number; io: CliIO }): Promise<number> {
  const { out, io } = o;
  const budget = new RestartBudget(o.maxRestarts);
  const args = await sameCommand();
  let child: Child | undefined;
  let stop: StopSignal | undefined;
  let wake = () => {}; // ends a back-off pause early
  let lastInt = 0;
  let presses = 0;
  const listeners = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => {
    const f = () => {
      // One Ctrl+C reaches us twice (terminal, npx launcher) and the worker directly, which ignores it:
      // repeats within a second are the same press; each press goes on as the worker's press signal.
      let signal: Parameters<Child['kill']>[0] = s;
      if (s === 'SIGINT') {
        if (Date.now() - lastInt < 1000) return;
        lastInt = Date.now();
        signal = presses++ ? PRESS_SIGNALS.again : PRESS_SIGNALS.first;
      }
      stop ??= s;
      try {
        child?.kill(signal);
      } catch {
        try {
          if (signal !== s) child?.kill(s); // no SIGUSR1 here (Windows): the worker reads SIGINT itself
        } catch {
          // it has just exited
        }
      }
      wake();
    };
    try {
      Deno.addSignalListener(s, f);
    } catch {
      return undefined; // a platform without this signal
    }
    return [s, f] as const;
  });
  try {
    for (;;) {
      const env = { [WORKER_ENV]: String(Deno.pid), [RESTARTS_ENV]: JSON.stringify(budget.restarts) };
      const c = new Deno.Command(Deno.execPath(), {
        args,
        env,
        stdin: 'piped', // held open: the worker ends itself when it sees end of file (we died)
        stdout: 'inherit',
        stderr: 'inherit',
      }).spawn();
      child = c;
      const st = await c.status;
      child = undefined;
      await c.stdin.close().catch(() => {});
      if (st.signal === null) return st.code; // 0, 1, 3, 64, 130: the run's own answer
      // stopped by us: the stop's code (a press relayed before the worker listened ended it by SIGUSR1)
      if (stop) return signalExitCode(stop);
      if (!isCrash(st.signal)) return signalExitCode(st.signal);
      const crash: RunRestart = {
        signal: st.signal,
        stage: await stageOf(out, c.pid),
        at: new Date().toISOString(),
        kept: await keptItems(`${out}/.store`),
      };
      const d = budget.crash(crash, c.pid);
      if (Deno.stderr.isTerminal()) io.err(''); // end the worker's progress line first
      io.err(d.line);
      if (!d.restart) return signalExitCode(st.signal);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, d.delayMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = () => {};
      if (stop === 'SIGINT') {
        io.err(`autogenda run: ${CANCELLED_MESSAGE}`);
        return EXIT.FAILURE;
      }
      if (stop) return signalExitCode(stop);
    }
  } finally {
    for (const l of listeners) if (l) Deno.removeSignalListener(l[0], l[1]);
    await Deno.remove(statusPath(out)).catch(() => {});
  }
}

/**
 * When the supervised `autogenda run` restarts its worker (src/cli/supervise/restart-policy.ts), what it
 * prints, and how the worker reads the earlier crashes back. The processes themselves are tested in
 * test/e2e/cli-supervise.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import {
  backoffMs,
  DEFAULT_RESTARTS,
  isCrash,
  RestartBudget,
  restartsFlag,
  signalExitCode,
} from '../../src/cli/supervise/restart-policy.ts';
import { parseRestarts } from '../../src/cli/supervise/worker.ts';
import { formatRestarts, type RunRestart, reportMarkdown } from '../../src/pipeline/export/report.ts';

const crash = (kept: number, over: Partial<RunRestart> = {}): RunRestart => ({
  signal: 'SIGSEGV',
  stage: 'caption',
  at: '2025-01-01T00:00:00.000Z',
  kept,
  ...over,
});

describe('restart policy', () => {
  it("exit codes are the shell's 128 + the Linux signal number", () => {
    expect(signalExitCode('SIGSEGV')).toBe(139);
    expect(signalExitCode('SIGKILL')).toBe(137);
    expect(signalExitCode('SIGABRT')).toBe(134);
    expect(signalExitCode('SIGBUS')).toBe(135);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGINT')).toBe(130);
  });

  it('stop requests are not crashes; faults and kills are', () => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) expect(isCrash(s)).toBe(false);
    for (const s of ['SIGSEGV', 'SIGKILL', 'SIGBUS', 'SIGABRT', 'SIGILL', 'SIGFPE'])
      expect(isCrash(s)).toBe(true);
  });

  it('backs off 0.5 s, 1 s, 2 s … up to 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('--restarts: default 5, 0 allowed, a negative or fractional count is a usage error', () => {
    expect(restartsFlag(undefined)).toBe(DEFAULT_RESTARTS);
    expect(DEFAULT_RESTARTS).toBe(5);
    expect(restartsFlag(0)).toBe(0);
    expect(() => restartsFlag(-1)).toThrow(UsageError);
    expect(() => restartsFlag(1.5)).toThrow(/--restarts must be an integer >= 0/);
  });

  it('restarts up to N times in a row at the same item, then stops naming the stage and what to try', () => {
    const b = new RestartBudget(2);
    const first = b.crash(crash(10), 101);
    expect(first).toMatchObject({ restart: true, delayMs: 500 });
    expect(first.line).toBe(
      'autogenda run: the worker process (pid 101) died by SIGSEGV in the caption stage; 10 items kept; restart 1 (1 of 2 in a row) in 0.5 s, continuing from the store',
    );
    expect(b.crash(crash(10), 102)).toMatchObject({ restart: true, delayMs: 1000 });
    const last = b.crash(crash(10), 103);
    expect(last.restart).toBe(false);
    expect(last.line).toMatch(/pid 103\) died by SIGSEGV in the caption stage; 10 items kept;/);
    expect(last.line).toMatch(
      /crashed 3 times in a row without finishing an item, so the run stops \(--restarts 2\)/,
    );
    expect(last.line).toMatch(
      /re-run the same command to continue; if it crashes there again, try --ep wasm/,
    );
    expect(b.restarts).toEqual([crash(10), crash(10)]); // the ones the run went on after
  });

  it('a crash after progress starts a new streak: a run that moves on is never stopped', () => {
    const b = new RestartBudget(1);
    for (let kept = 10; kept < 60; kept += 10) {
      const d = b.crash(crash(kept), kept);
      expect(d).toMatchObject({ restart: true, delayMs: 500 });
      expect(d.line).toMatch(/\(1 of 1 in a row\)/);
    }
    expect(b.restarts).toHaveLength(5);
    expect(b.crash(crash(50), 7).restart).toBe(false); // nothing new since the last crash
  });

  it('--restarts 0 never restarts; a SIGKILL hints at the out-of-memory killer, a training stage not at --ep', () => {
    const d = new RestartBudget(0).crash(crash(3, { signal: 'SIGKILL', stage: 'search' }), 9);
    expect(d.restart).toBe(false);
    expect(d.line).toBe(
      'autogenda run: the worker process (pid 9) died by SIGKILL in the search stage; 3 items kept; not restarting (--restarts 0): re-run the same command to continue; SIGKILL is often the out-of-memory killer (see dmesg).',
    );
  });
});

describe('restarts in the worker and the report', () => {
  it('the worker reads back what the supervisor passed, and ignores anything malformed', () => {
    const rs = [crash(4), crash(9, { signal: 'SIGKILL', stage: 'candidates' })];
    expect(parseRestarts(JSON.stringify(rs))).toEqual(rs);
    expect(parseRestarts(undefined)).toEqual([]);
    expect(parseRestarts('not json')).toEqual([]);
    expect(parseRestarts('{"signal":"SIGSEGV"}')).toEqual([]);
    expect(parseRestarts(JSON.stringify([{ signal: 'SIGSEGV', stage: 'caption' }, crash(1)]))).toEqual([
      crash(1),
    ]);
  });

  it('report.md lists the restarts (and says nothing when there were none)', () => {
    const report = {
      method: 'autogenda',
      seed: 0,
      classes: ['a', 'b'],
      sources: ['identity'],
      models: {},
      metrics: { top1: 1, meanClassAcc: 1, perClass: [1, 1], testCount: 2 },
    };
    expect(reportMarkdown(report)).not.toMatch(/restart/);
    const md = reportMarkdown({ ...report, restarts: [crash(4), crash(9, { signal: 'SIGKILL' })] });
    expect(md).toMatch(
      /- restarts after a crash: 2 \(SIGSEGV in caption \(4 items kept\); SIGKILL in caption/,
    );
    expect(formatRestarts([crash(4)])).toBe('SIGSEGV in caption (4 items kept)');
  });
});

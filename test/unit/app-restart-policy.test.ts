import { describe, expect, it } from 'vitest';
import {
  BadDatasetError,
  CancelledError,
  ConfigError,
  DeviceLostError,
  reviveError,
} from '../../src/core/errors.ts';
import { WorkerDiedError } from '../../src/ui/app/worker-death.ts';
import {
  decideRestart,
  exhaustedMessage,
  RESTART_POLICY,
  restartNote,
} from '../../src/ui/run/restart-policy.ts';

describe('restart policy of a run whose worker died', () => {
  it('restarts a dead worker and a lost GPU device, naming the reason', () => {
    expect(decideRestart(new WorkerDiedError('it was terminated or crashed'), 0)).toEqual({
      restart: true,
      attempt: 1,
      delayMs: 1_000,
      reason: 'it was terminated or crashed',
    });
    // A DeviceLostError raised in the worker arrives revived from its name and message.
    const lost = reviveError({ name: 'DeviceLostError', message: 'The GPU device was lost (destroyed).' });
    expect(lost).toBeInstanceOf(DeviceLostError);
    expect(decideRestart(lost, 1)).toMatchObject({
      restart: true,
      attempt: 2,
      reason: 'the GPU device was lost',
    });
  });

  it('never restarts a cancel or an ordinary error', () => {
    for (const e of [
      new CancelledError(),
      new BadDatasetError('cats/1.png', 'not an image'),
      new ConfigError('epochs must be at least 1'),
      new Error('anything else'),
    ]) {
      expect(decideRestart(e, 0), e.name).toEqual({ restart: false, exhausted: false });
    }
  });

  it('is bounded, with a doubling back-off capped at its maximum', () => {
    const died = new WorkerDiedError('it was terminated or crashed');
    const delays = [0, 1, 2].map((n) => {
      const d = decideRestart(died, n);
      if (!d.restart) throw new Error(`restart ${n + 1} refused`);
      return d.delayMs;
    });
    expect(delays).toEqual([1_000, 2_000, 4_000]);
    expect(decideRestart(died, RESTART_POLICY.max)).toEqual({ restart: false, exhausted: true });
    const long = { max: 6, firstDelayMs: 500, maxDelayMs: 3_000 };
    expect(
      [0, 1, 2, 3, 4, 5].map((n) => {
        const d = decideRestart(died, n, long);
        return d.restart ? d.delayMs : -1;
      }),
    ).toEqual([500, 1_000, 2_000, 3_000, 3_000, 3_000]);
    expect(decideRestart(died, 6, long)).toEqual({ restart: false, exhausted: true });
    expect(decideRestart(died, 0, { ...long, max: 0 })).toEqual({ restart: false, exhausted: true });
  });

  it('says what happened in the progress area and when giving up', () => {
    expect(restartNote('it was terminated or crashed', 1)).toBe(
      'The worker stopped (it was terminated or crashed); restarted, continuing from the cached items — restart 1 of 3.',
    );
    const died = new WorkerDiedError('it hit an uncaught error: out of memory');
    expect(died.message).toBe('The pipeline worker stopped (it hit an uncaught error: out of memory).');
    expect(exhaustedMessage(died.message)).toMatch(
      /^The pipeline worker stopped \(.*\)\. It stopped again after 3 automatic restarts; finished items stay cached/,
    );
  });
});

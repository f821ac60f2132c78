import { describe, expect, it } from 'vitest';
import { formatSeconds, progressBar, progressLine } from '../../src/cli/progress-bar.ts';

describe('CLI progress line', () => {
  it('shows the bar, the count with its unit and the ETA', () => {
    expect(progressLine({ type: 'stage', stage: 'caption', done: 6, total: 12, unit: 'images' }, 7)).toBe(
      `caption   [${'#'.repeat(12)}${'-'.repeat(12)}]  50%  6/12 images  ETA 7s`,
    );
  });

  it('names the training run a stage event belongs to', () => {
    const line = progressLine(
      {
        type: 'stage',
        stage: 'search',
        done: 20,
        total: 20,
        unit: 'steps',
        message: 'autogenda, seed 1 (run 2 of 3)',
      },
      0,
    );
    expect(line).toBe(`search    [${'#'.repeat(24)}] 100%  20/20 steps  autogenda, seed 1 (run 2 of 3)`);
    // A bare marker (no unit) shows no count.
    expect(
      progressLine(
        { type: 'stage', stage: 'train', done: 1, total: 1, message: 'identity, seed 0 (run 3 of 3)' },
        0,
      ),
    ).toBe(`train     [${'#'.repeat(24)}] 100%  identity, seed 0 (run 3 of 3)`);
  });

  it('marks the last event of a stage final', () => {
    const lines: [string, boolean][] = [];
    const bar = progressBar((l, f) => lines.push([l, f]));
    bar({ type: 'stage', stage: 'features', done: 1, total: 2, unit: 'images' });
    bar({ type: 'stage', stage: 'features', done: 2, total: 2, unit: 'images' });
    expect(lines.map(([, f]) => f)).toEqual([false, true]);
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatSeconds(7300)).toBe('2h01m');
  });
});

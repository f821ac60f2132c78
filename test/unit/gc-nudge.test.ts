import { describe, expect, it } from 'vitest';
import { GcNudge, gcNudge } from '../../src/ort/gc-nudge.ts';

/** A clock the test moves by hand, and a gc that counts its calls. */
function setup(intervalMs = 1000) {
  let t = 0;
  let calls = 0;
  const nudge = new GcNudge(
    () => calls++,
    intervalMs,
    () => t,
  );
  return { nudge, advance: (ms: number) => (t += ms), calls: () => calls };
}

describe('GcNudge (bind groups freed only by GC: docs/SEGFAULT.md)', () => {
  it('collects at most once per interval however many runs happen', () => {
    const s = setup(1000);
    for (let i = 0; i < 100; i++) {
      s.advance(10);
      s.nudge.afterRun();
    }
    // 100 runs over 1 s: exactly one collection, at the run that crossed the interval
    expect(s.calls()).toBe(1);
    expect(s.nudge.collections).toBe(1);
    s.advance(999);
    s.nudge.afterRun();
    expect(s.calls()).toBe(1);
    s.advance(1);
    s.nudge.afterRun();
    expect(s.calls()).toBe(2);
  });

  it('collects after every run when each run is longer than the interval (a UNet on lavapipe)', () => {
    const s = setup(1000);
    for (let i = 0; i < 5; i++) {
      s.advance(2500);
      s.nudge.afterRun();
    }
    expect(s.calls()).toBe(5);
  });

  it('collect() collects at once and restarts the interval (a caller that just made a lot of garbage)', () => {
    const s = setup(1000);
    s.advance(10);
    s.nudge.collect();
    expect(s.calls()).toBe(1);
    s.advance(999);
    s.nudge.afterRun();
    expect(s.calls()).toBe(1);
    s.advance(1);
    s.nudge.afterRun();
    expect(s.calls()).toBe(2);
  });

  it('does nothing where there is no gc to call', () => {
    const n = new GcNudge(undefined, 0, () => 1e9);
    n.afterRun();
    expect(n.enabled).toBe(false);
    expect(n.collections).toBe(0);
  });

  it('is off in Node (no Deno, no --expose-gc): ORT has no WebGPU there', async () => {
    const g = globalThis as { gc?: unknown };
    if (typeof g.gc === 'function') return; // a Node started with --expose-gc would find it
    expect((await gcNudge()).enabled).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createEta, type ProgressUpdate, STAGE_NAMES, throttleProgress } from '../../src/core/progress.ts';

function recorder() {
  const seen: ProgressUpdate[] = [];
  return { seen, fn: (e: ProgressUpdate) => seen.push(e) };
}

const stage = (s: 'caption' | 'features', done: number, total: number): ProgressUpdate => ({
  type: 'stage',
  stage: s,
  done,
  total,
});

describe('STAGE_NAMES', () => {
  it('lists the pipeline stages in data-flow order', () => {
    expect(STAGE_NAMES).toEqual([
      'import',
      'split',
      'caption',
      'neighbours',
      'candidates',
      'features',
      'search',
      'train',
      'evaluate',
      'export',
    ]);
  });
});

describe('throttleProgress', () => {
  it('passes the first event, at most one per interval, and always the final one', () => {
    let t = 0;
    const { seen, fn } = recorder();
    const p = throttleProgress(fn, 100, () => t);
    p(stage('caption', 0, 10)); // first: passes
    t = 50;
    p(stage('caption', 1, 10)); // 50 ms after: held
    t = 99;
    p(stage('caption', 2, 10)); // 99 ms after: held
    t = 100;
    p(stage('caption', 3, 10)); // 100 ms after: passes
    t = 150;
    p(stage('features', 0, 4)); // another stage has its own clock: passes
    p(stage('caption', 4, 10)); // held
    t = 160;
    p(stage('caption', 10, 10)); // final: passes despite the interval
    t = 170;
    p(stage('caption', 0, 5)); // the stage started again: passes as a first event
    expect(seen.map((e) => (e.type === 'stage' ? `${e.stage}:${e.done}` : e.type))).toEqual([
      'caption:0',
      'caption:3',
      'features:0',
      'caption:10',
      'caption:0',
    ]);
  });

  it('never holds back log, done and error events', () => {
    const t = 0;
    const { seen, fn } = recorder();
    const p = throttleProgress(fn, 1000, () => t);
    p(stage('caption', 0, 10));
    p({ type: 'log', level: 'info', message: 'a' });
    p({ type: 'log', level: 'warn', message: 'b' });
    p({ type: 'error', stage: 'caption', name: 'CancelledError', message: 'Cancelled.' });
    p({ type: 'done' });
    expect(seen.map((e) => e.type)).toEqual(['stage', 'log', 'log', 'error', 'done']);
  });

  it('throttles downloads per file and passes a completed download', () => {
    let t = 0;
    const { seen, fn } = recorder();
    const p = throttleProgress(fn, 100, () => t);
    p({ type: 'download', file: 'a.onnx', loaded: 0, total: 300 });
    p({ type: 'download', file: 'b.onnx', loaded: 0, total: 0 });
    t = 10;
    p({ type: 'download', file: 'a.onnx', loaded: 100, total: 300 }); // held
    p({ type: 'download', file: 'b.onnx', loaded: 5, total: 0 }); // unknown total: never final, held
    p({ type: 'download', file: 'a.onnx', loaded: 300, total: 300 }); // final
    expect(seen.map((e) => (e.type === 'download' ? `${e.file}:${e.loaded}` : e.type))).toEqual([
      'a.onnx:0',
      'b.onnx:0',
      'a.onnx:300',
    ]);
  });

  it('flush forwards the latest held event of each stage once', () => {
    let t = 0;
    const { seen, fn } = recorder();
    const p = throttleProgress(fn, 100, () => t);
    p(stage('caption', 0, 10));
    t = 10;
    p(stage('caption', 1, 10));
    p(stage('caption', 2, 10));
    p.flush();
    p.flush();
    expect(seen.map((e) => (e.type === 'stage' ? e.done : -1))).toEqual([0, 2]);
    t = 20; // flush counts as a send: the next event within the interval is held
    p(stage('caption', 3, 10));
    expect(seen).toHaveLength(2);
  });
});

describe('createEta', () => {
  it('is undefined for the first point, then (total - done) / average rate', () => {
    const eta = createEta();
    expect(eta(0, 100, 0)).toBeUndefined();
    // 10 items in 1000 ms → 90 left at 10 per second = 9 s
    expect(eta(10, 100, 1000)).toBe(9);
    // average since the first point: 30 items in 2000 ms → 70 left / 15 per s = 4.666… s
    expect(eta(30, 100, 2000)).toBeCloseTo(70 / 15, 12);
    expect(eta(100, 100, 2500)).toBe(0);
  });

  it('uses the injected clock when no time is given', () => {
    let t = 5000;
    const eta = createEta(() => t);
    expect(eta(4, 20)).toBeUndefined();
    t = 7000;
    // 4 items in 2 s → 2 per s; 12 left → 6 s
    expect(eta(8, 20)).toBe(6);
  });

  it('gives no estimate without progress or elapsed time, and restarts when done goes back', () => {
    const eta = createEta();
    expect(eta(5, 50, 0)).toBeUndefined();
    expect(eta(5, 50, 1000)).toBeUndefined(); // no work done since the first point
    expect(eta(6, 50, 0)).toBeUndefined(); // no time elapsed
    expect(eta(2, 50, 3000)).toBeUndefined(); // restarted: this is the new first point
    // 10 items in 1000 ms since the restart → 38 left / 10 per s = 3.8 s
    expect(eta(12, 50, 4000)).toBeCloseTo(3.8, 12);
  });
});

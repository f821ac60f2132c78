// The whole demo pipeline in its own worker, so the page stays responsive: PipelineApi over Comlink.
import * as Comlink from 'comlink';
import type { StageProgress } from '../src/core/progress.ts';
import { type DemoRunSummary, runDemo } from '../src/pipeline/run-browser.ts';

let current: AbortController | undefined;

const api = {
  async runDemo(onProgress: (p: StageProgress) => void): Promise<DemoRunSummary> {
    current?.abort();
    const ac = new AbortController();
    current = ac;
    try {
      const r = await runDemo({ onProgress, signal: ac.signal });
      return Comlink.transfer(r, [r.zip.buffer]);
    } finally {
      if (current === ac) current = undefined;
    }
  },
  cancel(): void {
    current?.abort();
  },
};

export type PipelineApi = typeof api;
Comlink.expose(api);

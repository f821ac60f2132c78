// Runs every shared GPU case on Chromium's WebGPU and leaves the results on `window.__gpuResults`.
import { adapterLabel } from '../../src/gpu/capabilities.ts';
import { Gpu } from '../../src/gpu/device.ts';
import { allGpuCases } from '../gpu/cases/index.ts';

export interface CaseResult {
  name: string;
  ok: boolean;
  error?: string;
  log: string[];
}

const w = window as unknown as {
  __gpuResults?: { adapter: string; results: CaseResult[] };
  __gpuError?: string;
};
const pre = document.getElementById('log')!;

async function runAll() {
  const gpu = await Gpu.acquire();
  const adapter = adapterLabel(gpu.capabilities);
  const results: CaseResult[] = [];
  for (const c of allGpuCases) {
    const log: string[] = [];
    try {
      await c.run(gpu, (m) => log.push(m));
      results.push({ name: c.name, ok: true, log });
    } catch (e) {
      results.push({ name: c.name, ok: false, error: String((e as Error).stack ?? e), log });
    }
    pre.textContent += `${results.at(-1)!.ok ? 'ok  ' : 'FAIL'} ${c.name}\n`;
  }
  w.__gpuResults = { adapter, results };
}

runAll().catch((e) => {
  w.__gpuError = String((e as Error).stack ?? e);
});

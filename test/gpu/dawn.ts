/** Node has no navigator.gpu: install Dawn's (npm `webgpu`) so `Gpu.acquire()` works as in a browser. */
import { create, globals } from 'webgpu';

export function installDawn(): void {
  Object.assign(globalThis, globals);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  if (!g.navigator!.gpu) Object.defineProperty(g.navigator, 'gpu', { value: create([]), configurable: true });
}

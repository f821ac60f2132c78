/**
 * A full garbage collection at most once a second while ONNX Runtime runs on WebGPU in Deno.
 *
 * Why: Deno's WebGPU frees a GPUBindGroup only when its JS wrapper is collected, and V8 does not count
 * the native memory behind it, so it sees no reason to collect. ONNX Runtime creates a bind group per
 * kernel dispatch (~400 per caption with the fixture captioner); on Mesa lavapipe each live one holds a
 * memory mapping, and at Linux's vm.max_map_count (65,530) lavapipe's next mmap fails and it writes
 * through the failed pointer: SIGSEGV. docs/SEGFAULT.md has the measurements and a minimal repro.
 * Elsewhere (browsers, Node) there is no gc to call and this does nothing.
 */

type Gc = () => void;

export class GcNudge {
  /** Collections asked for so far (tests and the repro script read it). */
  collections = 0;
  private last: number;

  constructor(
    private readonly gc: Gc | undefined,
    readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  get enabled(): boolean {
    return this.gc !== undefined;
  }

  /** After each WebGPU run: collect when the last collection ended at least intervalMs ago. */
  afterRun(): void {
    if (this.now() - this.last >= this.intervalMs) this.collect();
  }

  /** Collect now (a caller that knows it has just made a lot of garbage), and restart the interval. */
  collect(): void {
    if (!this.gc) return;
    this.gc();
    this.collections++;
    this.last = this.now(); // a collection takes tens of ms: count the interval from its end
  }
}

/** Deno's gc: the global one under --expose-gc, else turned on through Deno's node:v8 / node:vm. */
async function findGc(): Promise<Gc | undefined> {
  const g = globalThis as { gc?: Gc; Deno?: unknown };
  if (typeof g.gc === 'function') return g.gc;
  if (!g.Deno) return undefined;
  try {
    // module names kept out of the browser bundle's graph
    const [v8Spec, vmSpec] = ['node:v8', 'node:vm'];
    const v8 = (await import(/* @vite-ignore */ v8Spec)) as { setFlagsFromString(f: string): void };
    const vm = (await import(/* @vite-ignore */ vmSpec)) as { runInNewContext(code: string): unknown };
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Gc) : undefined;
  } catch {
    return undefined; // a Deno without node:v8: run as before
  }
}

let shared: Promise<GcNudge> | undefined;
let slow: Promise<GcNudge> | undefined;

/** The one nudge of this realm for ORT's WebGPU runs (all sessions share the device and its budget). */
export function gcNudge(): Promise<GcNudge> {
  shared ??= findGc().then((gc) => new GcNudge(gc));
  return shared;
}

/**
 * A nudge at most every 10 s for long loops over the store (an export's file reads) and a collection
 * between a run's stages: Deno frees read buffers late, and V8 does not count that memory as pressure
 * (issue 14's figures). Not per item in the model stages: there, even every 10 s, the collections made
 * the 5,000-image features stage 116 s instead of 82 s for no lower peak (bench/RESULTS.md).
 */
export function storeGcNudge(): Promise<GcNudge> {
  slow ??= findGc().then((gc) => new GcNudge(gc, 10_000));
  return slow;
}

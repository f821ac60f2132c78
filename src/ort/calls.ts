/**
 * Model calls counted per session, keyed "<task>.<session>" ("img2img.unet", "captioner.decoder"):
 * `calls` = run() invocations, `samples` = the sum of the first graph input's batch dimension over
 * them (a guided UNet call of one image counts 2). A run reports them, so a user sees what the
 * models really cost (one UNet sample per candidate for SD-Turbo, not 50).
 */
export type ModelCalls = Record<string, { calls: number; samples: number }>;

export class CallCounter {
  private readonly counts = new Map<string, { calls: number; samples: number }>();

  add(key: string, samples: number): void {
    const c = this.counts.get(key) ?? { calls: 0, samples: 0 };
    c.calls++;
    c.samples += samples;
    this.counts.set(key, c);
  }

  /** A copy, keys sorted. */
  snapshot(): ModelCalls {
    const out: ModelCalls = {};
    for (const k of [...this.counts.keys()].sort())
      out[k] = { ...(this.counts.get(k) as { calls: number; samples: number }) };
    return out;
  }
}

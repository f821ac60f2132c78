/** The one-line answer to "can AutoGenDA run here?", derived from the capabilities (pure). */
import type { Capabilities } from '../../gpu/capabilities.ts';

export type Tone = 'ok' | 'warn' | 'bad';

export interface Verdict {
  tone: Tone;
  title: string;
}

export function verdict(c: Capabilities): Verdict {
  if (!c.webgpu) return { tone: 'bad', title: 'AutoGenDA cannot run in this browser: no WebGPU' };
  if (c.problems.length > 0) return { tone: 'bad', title: 'This GPU falls short of what AutoGenDA needs' };
  if (c.warnings.length > 0) return { tone: 'warn', title: 'Ready, with some limitations' };
  return { tone: 'ok', title: 'Ready: this GPU has everything AutoGenDA needs' };
}

/** Picks the scheduler a model's scheduler_config.json names (or the caller overrides). */
import { ConfigError } from '../../../core/errors.ts';
import type { Scheduler, SchedulerConfig } from './common.ts';
import { DdimScheduler } from './ddim.ts';
import { EulerScheduler } from './euler.ts';
import { EulerAncestralScheduler } from './euler-ancestral.ts';
import { PndmScheduler } from './pndm.ts';

export type SchedulerKind = 'pndm' | 'ddim' | 'euler-ancestral' | 'euler';

const BY_CLASS: Record<string, SchedulerKind> = {
  PNDMScheduler: 'pndm',
  DDIMScheduler: 'ddim',
  EulerAncestralDiscreteScheduler: 'euler-ancestral',
  EulerDiscreteScheduler: 'euler', // SD-Turbo's
};

export function schedulerKind(config: SchedulerConfig, override?: SchedulerKind): SchedulerKind {
  if (override) return override;
  const k = BY_CLASS[config._class_name ?? 'PNDMScheduler'];
  if (!k) {
    throw new ConfigError(
      `scheduler '${config._class_name}' is not supported; pick one of pndm, ddim, euler, euler-ancestral.`,
    );
  }
  return k;
}

export function makeScheduler(config: SchedulerConfig, steps: number, kind?: SchedulerKind): Scheduler {
  switch (schedulerKind(config, kind)) {
    case 'pndm':
      return new PndmScheduler(config, steps);
    case 'ddim':
      return new DdimScheduler(config, steps);
    case 'euler-ancestral':
      return new EulerAncestralScheduler(config, steps);
    case 'euler':
      return new EulerScheduler(config, steps);
  }
}

export * from './common.ts';
export { DdimScheduler, EulerAncestralScheduler, EulerScheduler, PndmScheduler };

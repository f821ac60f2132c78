/**
 * A profile sweep (`--profile imbalanced:0.01,imbalanced:0.1`): one pipeline per profile on the same
 * store, one after the other, each a setting of the methods comparison. Nothing is shared by hand: every
 * item is cached by its content key, so what a profile does not change is found in the store — imported
 * images, class-name embeddings and the features of the real images always; captions of every image in
 * both profiles' training pools; a candidate when its parent, prompt and seed are the same (its seed
 * depends only on the image; its prompt on the class pool it drew a caption from, which the profile
 * shrinks). The first profile's run is the one exported.
 */
import { ConfigError } from '../core/errors.ts';
import { checkCancelled } from './cancel.ts';
import type { ProfileRuns } from './export/methods.ts';
import { type PipelineInput, type PipelineResult, runPipeline } from './run.ts';
import { RunStopped } from './run-stop.ts';
import type { PipelineSettings } from './settings.ts';
import type { Tally } from './tally.ts';

export interface SweepRun {
  profile: string;
  result: PipelineResult;
}

/** The profiles a run sweeps: `profiles` when the settings list them, else the one `profile`. */
export function sweepProfiles(s: PipelineSettings): string[] {
  // settings saved before sweeps existed (a resumed app run) have no `profiles`
  const listed = s.profiles as string[] | undefined;
  const profiles = listed?.length ? [...listed] : [s.profile];
  const twice = profiles.find((p, i) => profiles.indexOf(p) !== i);
  if (twice !== undefined) throw new ConfigError(`profile '${twice}' is listed twice`);
  return profiles;
}

/** Runs every profile of the settings in turn; `onProfile` hears which one starts. */
export async function runSweep(
  input: PipelineInput,
  onProfile?: (profile: string, index: number, count: number) => void,
): Promise<SweepRun[]> {
  const profiles = sweepProfiles(input.settings);
  const out: SweepRun[] = [];
  // a run that stops before training (a shard, --until) does its part of every profile, then says so once
  const stops: RunStopped[] = [];
  for (const [i, profile] of profiles.entries()) {
    checkCancelled(input.signal);
    onProfile?.(profile, i, profiles.length);
    try {
      const result = await runPipeline({ ...input, settings: { ...input.settings, profile } });
      out.push({ profile, result });
    } catch (e) {
      if (!(e instanceof RunStopped)) throw e;
      stops.push(e);
    }
  }
  if (stops.length) {
    const waiting = stops.reduce((a, e) => a + e.waiting, 0);
    const stage = stops.find((e) => e.waiting > 0)?.stage ?? stops[0].stage;
    const tally = sweepTally(stops.map((e) => ({ tally: e.tally })));
    throw new RunStopped(stage, waiting, tally, stops[0].modelCalls);
  }
  return out;
}

/** The items of all profiles together: computed vs found per stage (a later profile finds most). */
export function sweepTally(runs: readonly { tally: Tally }[]): Tally {
  const t: Tally = {};
  for (const result of runs) {
    for (const [stage, c] of Object.entries(result.tally) as [
      keyof Tally,
      { computed: number; cached: number },
    ][]) {
      const sum = t[stage] ?? { computed: 0, cached: 0 };
      t[stage] = { computed: sum.computed + c.computed, cached: sum.cached + c.cached };
    }
  }
  return t;
}

/** Each profile's runs with its class frequencies: the comparison's input (export/methods.ts). */
export function profileRuns(runs: readonly SweepRun[]): ProfileRuns[] {
  return runs.map(({ profile, result }) => ({
    profile,
    trainCounts: result.split.trainCounts,
    runs: result.runs,
  }));
}

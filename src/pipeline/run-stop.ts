/**
 * A run that ends before training on purpose (issue 15): a shard (`--shard I/N`) once its own items are
 * stored, a run told `--until STAGE`, or a shard that cannot go on because items other shards make (the
 * captions every prompt draws from) are not in the store yet. Not a failure: everything finished is
 * stored, and the same command (or the final run without --shard) continues from there.
 */
import type { ModelCalls } from '../ort/calls.ts';
import type { Tally } from './tally.ts';

/** The stages a run can stop after (every model stage; training needs every item). */
export const STOP_STAGES = ['caption', 'candidates', 'features'] as const;
export type StopStage = (typeof STOP_STAGES)[number];

export class RunStopped extends Error {
  override readonly name = 'RunStopped';
  constructor(
    readonly stage: StopStage,
    /** Items of `stage` that other shards have not stored yet (0: stopped as asked). */
    readonly waiting: number,
    readonly tally: Tally,
    readonly modelCalls: ModelCalls,
  ) {
    super(
      waiting > 0
        ? `stopped after ${stage}: ${waiting} item(s) of other shards are not in the store yet`
        : `stopped after ${stage}, as asked`,
    );
  }
}

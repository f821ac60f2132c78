/**
 * Where the current import stands. Module state, not a component's: an import keeps going (and its
 * outcome stays visible) when the user switches sections and comes back.
 */
import { signal } from '@preact/signals';
import type { StoredDataset } from '../../pipeline/app/contract.ts';

export type ImportPhase =
  | { kind: 'idle' }
  | { kind: 'importing'; label: string; done: number; total: number }
  | { kind: 'done'; dataset: StoredDataset }
  | { kind: 'cancelled'; label: string }
  | { kind: 'failed'; label: string; message: string; errorName: string }
  /** The page could not make an input of what was dropped or picked. */
  | { kind: 'refused'; message: string };

export const importPhase = signal<ImportPhase>({ kind: 'idle' });

/** A problem with the list (loading or deleting), shown next to it. */
export const listProblem = signal<string | undefined>(undefined);

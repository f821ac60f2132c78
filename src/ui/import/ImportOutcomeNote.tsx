/** One line on how the last import ended: imported (and selected), cancelled, or why it failed. */
import { formatCount } from '../format.ts';
import type { ImportPhase } from './import-state.ts';

export function ImportOutcomeNote({ phase }: { phase: ImportPhase }) {
  return (
    <div aria-live="polite" data-testid="import-outcome">
      {phase.kind === 'done' && (
        <p class="import-ok">
          Imported <strong>{phase.dataset.name}</strong>: {formatCount(phase.dataset.images)} images in{' '}
          {phase.dataset.classes.length} classes. It is selected for the next run.
        </p>
      )}
      {phase.kind === 'cancelled' && (
        <p>Import of {phase.label} cancelled. Nothing from it was kept; the datasets below are unchanged.</p>
      )}
      {phase.kind === 'failed' && (
        <div class="notice notice-bad" role="alert" data-testid="import-error">
          <h3>{phase.label} could not be imported</h3>
          <p>{phase.message}</p>
          <p>The datasets imported before are unchanged.</p>
        </div>
      )}
      {phase.kind === 'refused' && (
        <div class="notice notice-bad" role="alert" data-testid="import-error">
          <p>{phase.message}</p>
        </div>
      )}
    </div>
  );
}

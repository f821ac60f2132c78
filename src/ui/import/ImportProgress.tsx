/** The running import: files checked so far of all, and Cancel (what it stored so far is removed). */
import { formatCount } from '../format.ts';

export interface ImportProgressProps {
  label: string;
  done: number;
  total: number;
  onCancel(): void;
}

export function ImportProgress({ label, done, total, onCancel }: ImportProgressProps) {
  return (
    <div class="import-progress" data-testid="import-progress">
      <label>
        <span>Importing {label}…</span>
        <progress max={total || 1} value={total ? done : undefined} />
        <span class="stage-count" data-testid="import-count">
          {total ? `${formatCount(done)} / ${formatCount(total)} files checked` : 'reading files…'}
        </span>
      </label>
      <button type="button" onClick={onCancel} data-testid="import-cancel">
        Cancel
      </button>
    </div>
  );
}

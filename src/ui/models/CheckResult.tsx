/** A model's known-answer check: the verdict, then each measurement against its threshold and source. */
import { formatItem } from '../../pipeline/check/result.ts';
import { checks } from './models-state.ts';

export function CheckResult({ id }: { id: string }) {
  const c = checks.value[id];
  if (!c) return null;
  if ('running' in c)
    return (
      <p class="muted" data-testid="check-running">
        Checking {id} on this machine…
      </p>
    );
  if ('unrunnable' in c) {
    return (
      <p class="error" data-testid="check-result">
        The check could not run: {c.unrunnable}
      </p>
    );
  }
  return (
    <details class="check-result" data-testid="check-result" data-passed={String(c.passed)} open={!c.passed}>
      <summary class={c.passed ? 'check-pass' : 'check-fail'}>
        Check {c.passed ? 'passed' : 'FAILED'} on {c.ep} ({c.variant || 'no variant'}) in{' '}
        {(c.ms / 1000).toFixed(1)} s, {new Date(c.at).toLocaleString()}
      </summary>
      {c.error && <p class="error">{c.error}</p>}
      <ul>
        {c.checks.map((x) => (
          <li key={x.name} class={x.passed ? 'check-pass' : 'check-fail'}>
            {formatItem(x)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * The one place where failures nobody else handled end up: an error thrown while rendering (caught by
 * the boundary in App) or an unhandled rejection / error event of the page. Shown as text, with the
 * error's name, and a way out; what the workers and the store hold is not affected.
 */
import { signal } from '@preact/signals';

export const appError = signal<{ name: string; message: string } | undefined>(undefined);

export function reportAppError(e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  appError.value = { name: err.name, message: err.message };
}

let installed = false;

/** Routes the page's unhandled errors here (once). */
export function catchUnhandled(): void {
  if (installed) return;
  installed = true;
  globalThis.addEventListener?.('unhandledrejection', (ev) => reportAppError(ev.reason));
  // Only real exceptions: message-only error events (e.g. ResizeObserver loop notes) are not failures.
  globalThis.addEventListener?.('error', (ev) => {
    if (ev.error instanceof Error) reportAppError(ev.error);
  });
}

export function ErrorBanner() {
  const e = appError.value;
  if (!e) return null;
  return (
    <div class="notice notice-bad app-error" role="alert" data-testid="app-error">
      <p>
        <strong>Something went wrong ({e.name}):</strong> {e.message}
      </p>
      <p>
        Finished work is kept in this browser. Reloading the page is safe; an interrupted run is offered to
        resume.
      </p>
      <div class="actions">
        <button type="button" onClick={() => globalThis.location.reload()}>
          Reload the page
        </button>
        <button type="button" class="secondary" onClick={() => (appError.value = undefined)}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

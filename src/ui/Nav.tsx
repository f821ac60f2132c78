/** Section navigation. Sections not built yet are shown, but disabled (not focusable, not links). */
import { SECTIONS } from './sections.ts';

export function Nav({ current }: { current: string }) {
  return (
    <nav class="nav" aria-label="Sections">
      <ol>
        {SECTIONS.map((s) => (
          <li key={s.id}>
            {s.ready ? (
              <a href={`#${s.id}`} aria-current={s.id === current ? 'page' : undefined}>
                {s.label}
              </a>
            ) : (
              <span class="disabled" aria-disabled="true" title="Coming soon">
                {s.label}
                <span class="soon">soon</span>
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

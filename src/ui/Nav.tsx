/** Section navigation: plain links (keyboard and screen readers get them for free). */
import { SECTIONS, type SectionId } from './sections.ts';

export function Nav({ current }: { current: SectionId }) {
  return (
    <nav class="nav" aria-label="Sections">
      <ol>
        {SECTIONS.map((s) => (
          <li key={s.id}>
            <a href={`#${s.id}`} aria-current={s.id === current ? 'page' : undefined}>
              {s.label}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

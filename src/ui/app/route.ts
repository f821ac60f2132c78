/** The current section, from the URL's hash (#import …), so back/forward and reload keep the place. */
import { signal } from '@preact/signals';
import { isSection, type SectionId } from '../sections.ts';

function fromHash(): SectionId {
  const id = (globalThis.location?.hash ?? '').replace(/^#/, '');
  return isSection(id) ? id : 'start';
}

export const route = signal<SectionId>(fromHash());
globalThis.addEventListener?.('hashchange', () => {
  route.value = fromHash();
});

/** Shows a section (and records it in the history, like following a link). */
export function go(id: SectionId): void {
  if (globalThis.location.hash !== `#${id}`) globalThis.location.hash = id;
  route.value = id;
}

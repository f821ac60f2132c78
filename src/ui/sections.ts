/** The app's sections, in order: the navigation and the router both read this list. */
export const SECTIONS = [
  { id: 'start', label: 'Start' },
  { id: 'import', label: 'Import' },
  { id: 'models', label: 'Models' },
  { id: 'run', label: 'Run' },
  { id: 'inspect', label: 'Inspect' },
  { id: 'export', label: 'Export' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

export function isSection(id: string): id is SectionId {
  return SECTIONS.some((s) => s.id === id);
}

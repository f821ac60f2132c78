/** The app's sections, in order. Frozen data: a later issue enables a section by flipping `ready`. */
export interface Section {
  readonly id: string;
  readonly label: string;
  readonly ready: boolean;
}

export const SECTIONS: readonly Section[] = Object.freeze([
  { id: 'gpu', label: 'Your GPU', ready: true },
  { id: 'import', label: 'Import', ready: false },
  { id: 'models', label: 'Models', ready: false },
  { id: 'run', label: 'Run', ready: false },
  { id: 'inspect', label: 'Inspect', ready: false },
  { id: 'export', label: 'Export', ready: false },
]);

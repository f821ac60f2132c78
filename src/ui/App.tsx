/** The page: title, one-line description, section navigation, and the current section. */

import { route } from './app/route.ts';
import { ExportSection } from './export/ExportSection.tsx';
import { ImportSection } from './import/ImportSection.tsx';
import { InspectSection } from './inspect/InspectSection.tsx';
import { ModelsSection } from './models/ModelsSection.tsx';
import { Nav } from './Nav.tsx';
import { RunSection } from './run/RunSection.tsx';
import type { SectionId } from './sections.ts';
import { StartSection } from './start/StartSection.tsx';

const VIEWS: Record<SectionId, () => preact.JSX.Element> = {
  start: StartSection,
  import: ImportSection,
  models: ModelsSection,
  run: RunSection,
  inspect: InspectSection,
  export: ExportSection,
};

export function App() {
  const id = route.value;
  const View = VIEWS[id];
  return (
    <div class="shell">
      <header class="masthead">
        <h1>AutoGenDA</h1>
        <p class="tagline">
          Generative data augmentation for imbalanced image datasets, entirely on your own GPU: your images
          never leave this browser.
        </p>
      </header>
      <Nav current={id} />
      <main>
        <View />
      </main>
    </div>
  );
}

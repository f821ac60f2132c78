/** The page: title, one-line description, section navigation, and the current section. */

import { useErrorBoundary } from 'preact/hooks';
import { ErrorBanner, reportAppError } from './app/ErrorBanner.tsx';
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
  // A section that throws while rendering is replaced by the banner; the rest of the page stays.
  const [failed, reset] = useErrorBoundary(reportAppError);
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
      <ErrorBanner />
      <main>{failed ? <SectionFailed retry={reset} /> : <View />}</main>
    </div>
  );
}

function SectionFailed({ retry }: { retry: () => void }) {
  return (
    <section class="panel">
      <p>This section could not be shown (the error is above).</p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </section>
  );
}

/** The page: title, one-line description, section navigation, and the current section. */
import { GpuPanel } from './gpu/GpuPanel.tsx';
import { Nav } from './Nav.tsx';
import { RunPanel } from './run/RunPanel.tsx';

export function App() {
  return (
    <div class="shell">
      <header class="masthead">
        <h1>AutoGenDA</h1>
        <p class="tagline">
          Generative data augmentation for imbalanced image datasets, entirely on your own GPU: your images
          never leave this browser.
        </p>
      </header>
      <Nav current="gpu" />
      <main>
        <GpuPanel />
        <RunPanel />
      </main>
    </div>
  );
}

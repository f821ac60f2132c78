/** Start: what this app does, the one-click demo, an interrupted run to resume, and the GPU check. */

import { runPhase } from '../app/state.ts';
import { GpuPanel } from '../gpu/GpuPanel.tsx';
import { ResumeOffer } from '../run/ResumeOffer.tsx';
import { runDemo } from './demo.ts';

export function StartSection() {
  const running = runPhase.value.kind === 'running';
  return (
    <>
      <section class="panel" aria-labelledby="start-heading">
        <h2 id="start-heading">Start</h2>
        <ol class="steps">
          <li>
            <a href="#import">Import</a> a folder or zip of class sub-folders (it stays in this browser).
          </li>
          <li>
            Choose the <a href="#models">models</a>: a captioner, a sentence embedder, Stable Diffusion
            img2img and a ResNet-50 backbone, downloaded once and cached.
          </li>
          <li>
            <a href="#run">Run</a>: captions, neighbour classes, local- and transfer-caption images, then a
            per-class policy learned on your GPU.
          </li>
          <li>
            <a href="#inspect">Inspect</a> what it generated and learned, and <a href="#export">export</a> the
            augmented dataset, the policy and the classifier.
          </li>
        </ol>
        <ResumeOffer />
        <div class="demo-card">
          <h3>Try it now</h3>
          <p>
            Runs the whole pipeline on a bundled Fashion-MNIST subset (10 classes, 100 images, MIT licence)
            made imbalanced (factor 0.1), with tiny random-weight fixture models so nothing is downloaded.
          </p>
          <p class="plumbing" data-testid="plumbing-label">
            PLUMBING CHECK: the fixture models have random weights. The demo shows that everything runs here;
            its captions, images, policy and accuracies mean nothing.
          </p>
          <div class="actions">
            <button type="button" data-testid="run-demo" onClick={() => void runDemo()} disabled={running}>
              Run the demo
            </button>
          </div>
        </div>
      </section>
      <GpuPanel />
    </>
  );
}

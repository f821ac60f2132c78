/** What the next run uses, and the fixture models (the default), labelled as the plumbing check they are. */
import { models, modelsLabel } from '../app/state.ts';
import { note, picked, useFixtures } from './models-state.ts';

export function RunChoice() {
  const fixtures = models.value.kind === 'fixtures';
  const plumbing = fixtures || (models.value.kind === 'local' && picked.value?.check.plumbingOnly === true);
  return (
    <section class="panel" aria-labelledby="models-heading">
      <h2 id="models-heading">Models</h2>
      <p>
        A run needs four models: a captioner, a text embedder, an img2img generator and an image backbone. Use
        the built-in fixture models, models downloaded into this browser, or a folder you already have.
      </p>
      <p class={`models-choice${plumbing ? ' plumbing' : ''}`} data-testid="models-choice">
        Next run uses: {modelsLabel.value}
      </p>
      {note.value && <p class="muted">{note.value}</p>}
      <h3>Fixture models</h3>
      <p class="plumbing" data-testid="fixtures-warning">
        RANDOM WEIGHTS: the fixture models are tiny graphs built in this page. They show that every stage
        runs; their captions, images, features, policies and accuracies mean nothing. Never report them.
      </p>
      <div class="actions">
        <button type="button" onClick={useFixtures} disabled={fixtures}>
          {fixtures ? 'Using the fixture models' : 'Use the fixture models'}
        </button>
      </div>
    </section>
  );
}

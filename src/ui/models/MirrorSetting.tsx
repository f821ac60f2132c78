/** The optional mirror: a base URL that serves every model's files as `<mirror>/<id>/<path>`. */
import { useState } from 'preact/hooks';
import { mirrorProblem } from '../../models/registry.ts';
import { mirror, setMirror } from './models-state.ts';

export function MirrorSetting() {
  const [text, setText] = useState(mirror.value);
  const problem = mirrorProblem(text);
  const save = (e: Event) => {
    e.preventDefault();
    if (!problem) setMirror(text);
  };
  return (
    <form class="mirror" onSubmit={save}>
      <label>
        <span>Mirror (optional)</span>
        <input
          type="url"
          value={text}
          placeholder="https://models.example.org/autogenda"
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          aria-describedby="mirror-help"
        />
      </label>
      <button type="submit" disabled={Boolean(problem) || text.trim() === mirror.value}>
        Save mirror
      </button>
      <p id="mirror-help" class={problem ? 'error' : 'muted'}>
        {problem ??
          (mirror.value
            ? `Downloads come from ${mirror.value}/<model id>/<file path>, not from the models' own sources.`
            : 'Downloads come from each model’s own source (Hugging Face). A mirror serves <model id>/<file path> for every model.')}
      </p>
    </form>
  );
}

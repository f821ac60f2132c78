/** "Use a local folder" (offline): pick a folder holding models.json or fixtures.json and the model folders. */
import { picked, useFolder } from './models-state.ts';

export function LocalFolder() {
  const p = picked.value;
  const onChange = (e: Event) => {
    const input = e.target as HTMLInputElement;
    if (input.files?.length) void useFolder(Array.from(input.files));
  };
  return (
    <section class="panel" aria-labelledby="local-heading">
      <h2 id="local-heading">Use a local folder (offline)</h2>
      <p>
        A folder with <code>models.json</code> (or <code>fixtures.json</code> from{' '}
        <code>npx autogenda fixtures --out DIR</code>) and one sub-folder per model with its{' '}
        <code>manifest.json</code> and files. The files are read in place: nothing is copied or downloaded.
      </p>
      <label class="folder-pick">
        <span>Models folder</span>
        {/* Not in Preact's types; set as the (boolean) DOM property, which adds the attribute. */}
        <input type="file" data-testid="models-folder" onChange={onChange} {...{ webkitdirectory: true }} />
      </label>
      {p && (
        <div data-testid="folder-check">
          {p.check.problems.length ? (
            <div class="notice notice-bad">
              <h3>'{p.name}' cannot be used</h3>
              <ul>
                {p.check.problems.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p>
              Using '{p.name}' ({p.check.index}):{' '}
              {p.check.models.map((x) => `${x.id} (${x.task})`).join(', ')}.
            </p>
          )}
          {p.check.plumbingOnly && p.check.problems.length === 0 && (
            <p class="plumbing">
              Its index says these are random-weight plumbing models: whatever a run makes with them is not a
              result.
            </p>
          )}
          {p.check.notes.map((x) => (
            <p key={x} class="muted">
              {x}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}

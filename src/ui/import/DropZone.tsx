/**
 * Where a dataset comes in: drop a folder of class sub-folders or a .zip anywhere on the zone, or use
 * the two pickers (the keyboard path: both are ordinary buttons).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DatasetInput } from '../../pipeline/app/contract.ts';
import { droppedInput, droppedItems } from './dropped-files.ts';
import { folderInput, isZipFile, zipInput } from './picked-files.ts';

export interface DropZoneProps {
  disabled: boolean;
  onInput(input: DatasetInput): void;
  onProblem(message: string): void;
}

export function DropZone({ disabled, onInput, onProblem }: DropZoneProps) {
  const [over, setOver] = useState(false);
  const folderPicker = useRef<HTMLInputElement>(null);
  const zipPicker = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not in Preact's JSX types; a property like any other on the element.
    if (folderPicker.current) folderPicker.current.webkitdirectory = true;
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (disabled || !e.dataTransfer) return;
    const items = droppedItems(e.dataTransfer); // now: the items are gone after this handler
    droppedInput(items).then(
      (r) => ('problem' in r ? onProblem(r.problem) : onInput(r)),
      (err: Error) => onProblem(`The dropped files could not be read (${err.message}).`),
    );
  };
  const onDragOver = (e: DragEvent) => {
    e.preventDefault(); // allows the drop
    if (e.dataTransfer) e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
    if (!disabled) setOver(true);
  };
  const onFolder = (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const input = folderInput(Array.from(el.files ?? []));
    el.value = ''; // choosing the same folder again fires change again
    if (input) onInput(input);
    else onProblem('The chosen folder holds no files.');
  };
  const onZip = (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const file = el.files?.[0];
    el.value = '';
    if (!file) return;
    if (isZipFile(file)) onInput(zipInput(file));
    else onProblem(`${file.name} is not a .zip file.`);
  };

  return (
    <section
      class={`drop-zone${over ? ' drop-over' : ''}${disabled ? ' drop-disabled' : ''}`}
      data-testid="drop-zone"
      aria-labelledby="drop-heading"
      aria-describedby="drop-help"
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={(e) => {
        // Leaving for a child element is not leaving the zone.
        if (!(e.currentTarget as Node).contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
    >
      <h3 id="drop-heading">Add a dataset</h3>
      <p id="drop-help">
        Drop a folder with one sub-folder per class (<code>cats/1.jpg</code>, <code>dogs/2.png</code> …) or a
        .zip of such folders here, or choose one. PNG, JPEG and WebP; a <code>captions.json</code> or{' '}
        <code>captions.csv</code> at the top attaches captions. The files are read in this browser only.
      </p>
      <div class="actions">
        <button type="button" disabled={disabled} onClick={() => folderPicker.current?.click()}>
          Choose a folder…
        </button>
        <button type="button" disabled={disabled} onClick={() => zipPicker.current?.click()}>
          Choose a zip…
        </button>
      </div>
      <input
        ref={folderPicker}
        type="file"
        multiple
        hidden
        aria-label="Dataset folder"
        data-testid="folder-input"
        onChange={onFolder}
      />
      <input
        ref={zipPicker}
        type="file"
        accept=".zip,application/zip"
        hidden
        aria-label="Dataset zip"
        data-testid="zip-input"
        onChange={onZip}
      />
    </section>
  );
}

/**
 * What the user chose with the two pickers, as a DatasetInput for the pipeline worker. Paths are made
 * relative to the dataset root ('class/img.png'); the worker checks them like archive paths.
 */
import type { DatasetInput, PickedFile } from '../../pipeline/app/contract.ts';

export function isZipFile(file: File): boolean {
  return (
    /\.zip$/i.test(file.name) ||
    file.type === 'application/zip' ||
    file.type === 'application/x-zip-compressed'
  );
}

/**
 * `<input webkitdirectory>`: every File's webkitRelativePath starts with the chosen folder's own name,
 * which names the dataset and is dropped from the paths.
 */
export function folderInput(files: readonly File[]): DatasetInput | undefined {
  if (files.length === 0) return undefined;
  const picked: PickedFile[] = files.map((file) => {
    const rel = file.webkitRelativePath || file.name;
    return { path: rel.includes('/') ? rel.slice(rel.indexOf('/') + 1) : rel, file };
  });
  const first = files[0].webkitRelativePath;
  const name = first.includes('/') ? first.slice(0, first.indexOf('/')) : 'chosen folder';
  return { kind: 'files', name, files: picked };
}

export function zipInput(file: File): DatasetInput {
  return { kind: 'zip', name: file.name, file };
}

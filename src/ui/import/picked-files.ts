/**
 * What the user chose with the two pickers, as a DatasetInput for the pipeline worker. Paths are made
 * relative to the dataset root ('class/img.png'); the worker checks them like archive paths.
 */
import type { DatasetInput } from '../../pipeline/app/contract.ts';
import { pickedFolder } from '../app/picked-folder.ts';

export function isZipFile(file: File): boolean {
  return (
    /\.zip$/i.test(file.name) ||
    file.type === 'application/zip' ||
    file.type === 'application/x-zip-compressed'
  );
}

/** `<input webkitdirectory>`: the chosen folder names the dataset (see pickedFolder). */
export function folderInput(files: readonly File[]): DatasetInput | undefined {
  if (files.length === 0) return undefined;
  const { name, files: picked } = pickedFolder(files, 'chosen folder');
  return { kind: 'files', name, files: picked };
}

export function zipInput(file: File): DatasetInput {
  return { kind: 'zip', name: file.name, file };
}

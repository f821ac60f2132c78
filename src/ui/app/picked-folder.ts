/**
 * A folder chosen with `<input type=file webkitdirectory>` as PickedFiles: every File's
 * webkitRelativePath starts with the chosen folder's own name, which names the folder and is dropped
 * from the paths. Used for datasets (Import) and model folders (Models). Pure.
 */
import type { PickedFile } from '../../pipeline/app/contract.ts';

export function pickedFolder(
  list: Iterable<File>,
  fallbackName: string,
): { name: string; files: PickedFile[] } {
  const files: PickedFile[] = [];
  let name = '';
  for (const file of list) {
    const rel = file.webkitRelativePath || file.name;
    const slash = rel.indexOf('/');
    if (!name && slash > 0) name = rel.slice(0, slash);
    files.push({ path: slash > 0 ? rel.slice(slash + 1) : rel, file });
  }
  return { name: name || fallbackName, files };
}

/** A folder picked with `<input webkitdirectory>` as PickedFiles (pure). */
import type { PickedFile } from '../../pipeline/app/contract.ts';

/** Files from `<input webkitdirectory>`: paths relative to the picked folder (its own name dropped). */
export function pickedFiles(list: Iterable<File>): { name: string; files: PickedFile[] } {
  const files: PickedFile[] = [];
  let name = '';
  for (const file of list) {
    const rel = file.webkitRelativePath || file.name;
    const slash = rel.indexOf('/');
    if (!name && slash > 0) name = rel.slice(0, slash);
    files.push({ path: slash > 0 ? rel.slice(slash + 1) : rel, file });
  }
  return { name: name || 'picked folder', files };
}

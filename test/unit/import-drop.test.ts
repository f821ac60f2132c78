/**
 * The Import screen's turning of drops and picks into a DatasetInput (src/ui/import/dropped-files.ts,
 * picked-files.ts), on fake File System entries: folders read in several readEntries batches, a single
 * folder naming the dataset, several class folders, a zip, bare Files from a script-made DataTransfer.
 */
import { describe, expect, it } from 'vitest';
import type { DatasetInput } from '../../src/pipeline/app/contract.ts';
import { type DroppedItem, droppedInput, walkEntries } from '../../src/ui/import/dropped-files.ts';
import { folderInput } from '../../src/ui/import/picked-files.ts';

type Tree = { [name: string]: Tree | string };

/** A fake entry tree; directories hand out their children 2 at a time, like a batched reader. */
function entry(name: string, node: Tree | string): FileSystemEntry {
  if (typeof node === 'string') {
    return {
      name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([node], name)),
    } as unknown as FileSystemEntry;
  }
  const children = Object.entries(node).map(([n, c]) => entry(n, c));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (b: FileSystemEntry[]) => void) => {
          ok(children.slice(at, at + 2));
          at += 2;
        },
      };
    },
  } as unknown as FileSystemEntry;
}

const paths = (input: DatasetInput | { problem: string }) =>
  'kind' in input && input.kind === 'files' ? input.files.map((f) => f.path).sort() : input;

describe('droppedInput', () => {
  const pets: Tree = {
    cats: { 'a.png': 'a', 'b.png': 'b', 'c.png': 'c', sub: { 'd.png': 'd' } },
    dogs: { 'e.png': 'e' },
    empty: {},
    'captions.json': '{}',
  };

  it('one folder: its name names the dataset, paths start inside it, every batch is read', async () => {
    const input = await droppedInput([entry('pets', pets)]);
    // The empty class folder is passed on, so the import report can name it.
    expect(input).toMatchObject({ kind: 'files', name: 'pets', emptyFolders: ['empty'] });
    expect(paths(input)).toEqual([
      'captions.json',
      'cats/a.png',
      'cats/b.png',
      'cats/c.png',
      'cats/sub/d.png',
      'dogs/e.png',
    ]);
  });

  it('several class folders: each is a class', async () => {
    const input = await droppedInput([entry('cats', pets.cats as Tree), entry('dogs', pets.dogs as Tree)]);
    expect(input).toMatchObject({ kind: 'files', name: 'dropped folders' });
    expect(paths(input)).toEqual(['cats/a.png', 'cats/b.png', 'cats/c.png', 'cats/sub/d.png', 'dogs/e.png']);
  });

  it('one .zip (an entry or a bare File) is a zip; another single file is refused with its name', async () => {
    const asEntry = await droppedInput([entry('set.ZIP', 'PK')]);
    expect(asEntry).toMatchObject({ kind: 'zip', name: 'set.ZIP' });
    const bare: DroppedItem = new File(['PK'], 'set.zip', { type: 'application/zip' });
    expect(await droppedInput([bare])).toMatchObject({ kind: 'zip', name: 'set.zip', file: bare });
    expect(await droppedInput([new File(['x'], 'photo.jpg')])).toEqual({
      problem: 'photo.jpg is neither a folder nor a .zip file.',
    });
  });

  it('says why when nothing usable was dropped', async () => {
    expect(await droppedInput([])).toHaveProperty('problem');
    expect(await droppedInput([entry('nothing', { inner: {} })])).toEqual({
      problem: 'The folder nothing holds no files.',
    });
  });

  it('walkEntries keeps loose files at the top level (import reports them)', async () => {
    const files = await walkEntries([entry('cats', { 'a.png': 'a' }), new File(['x'], 'loose.png')]);
    expect(files.map((f) => f.path)).toEqual(['cats/a.png', 'loose.png']);
  });
});

describe('folderInput (<input webkitdirectory>)', () => {
  const withPath = (rel: string) => {
    const f = new File(['x'], rel.split('/').at(-1)!);
    Object.defineProperty(f, 'webkitRelativePath', { value: rel });
    return f;
  };

  it('names the dataset after the chosen folder and strips it from the paths', () => {
    const input = folderInput([
      withPath('pets/cats/a.png'),
      withPath('pets/dogs/b.png'),
      withPath('pets/top.png'),
    ]);
    expect(input).toMatchObject({ kind: 'files', name: 'pets' });
    expect(paths(input!)).toEqual(['cats/a.png', 'dogs/b.png', 'top.png']);
  });

  it('gives nothing for an empty choice', () => {
    expect(folderInput([])).toBeUndefined();
  });
});

/**
 * A CSV or JSON list of images with their classes, resolved against files the user also gave
 * (a folder or an archive). CSV: a header naming an image column (image|file|path) and a class
 * column (label|class|category). JSON: `[{image, label}]` or `{"<image>": "<label>"}`.
 * Rows naming a missing file are refused with the row number.
 */
import { BadDatasetError } from '../../core/errors.ts';
import { csvRows } from '../../stages/captioner/import.ts';
import type { DatasetEntry, DatasetSource } from './entry.ts';
import { safePath } from './entry.ts';

const IMAGE_KEYS = ['image', 'file', 'path', 'filename'];
const LABEL_KEYS = ['label', 'class', 'category'];

export function listSource(listName: string, text: string, files: DatasetSource): DatasetSource {
  const byPath = new Map(files.entries.map((e) => [e.path, e]));
  const src: DatasetSource = {
    name: `${listName} (${files.name})`,
    entries: [],
    emptyFolders: [],
    refused: [...files.refused],
  };
  for (const { image, label, where } of parseList(listName, text)) {
    const path = safePath(image);
    const e: DatasetEntry | undefined = path === undefined ? undefined : byPath.get(path);
    if (!e) {
      src.refused.push({ path: image, reason: `${listName} ${where}: no such file in ${files.name}` });
      continue;
    }
    src.entries.push({ ...e, label });
  }
  return src;
}

interface Row {
  image: string;
  label: string;
  where: string;
}

function parseList(file: string, text: string): Row[] {
  const body = text.replace(/^\uFEFF/, '');
  const t = body.trimStart();
  const rows: Row[] = [];
  const add = (image: unknown, label: unknown, where: string) => {
    if (typeof image !== 'string' || image.trim() === '')
      throw new BadDatasetError(file, `${where}: no image name`);
    if (typeof label !== 'string' || label.trim() === '')
      throw new BadDatasetError(file, `${where}: no class for '${image}'`);
    rows.push({ image: image.trim(), label: label.trim(), where });
  };
  if (t.startsWith('[') || t.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (e) {
      throw new BadDatasetError(file, `is not valid JSON (${(e as Error).message})`);
    }
    if (Array.isArray(data)) {
      data.forEach((r, i) => {
        const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
        add(
          IMAGE_KEYS.map((k) => o[k]).find((v) => v !== undefined),
          LABEL_KEYS.map((k) => o[k]).find((v) => v !== undefined),
          `item ${i}`,
        );
      });
    } else {
      for (const [k, v] of Object.entries(data as object)) add(k, v, `key '${k}'`);
    }
  } else {
    let table: string[][];
    try {
      table = csvRows(body);
    } catch (e) {
      throw new BadDatasetError(file, `is not valid CSV: ${(e as Error).message}`);
    }
    const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
    const ic = header.findIndex((h) => IMAGE_KEYS.includes(h));
    const lc = header.findIndex((h) => LABEL_KEYS.includes(h));
    if (ic < 0 || lc < 0) {
      throw new BadDatasetError(
        file,
        `header must name an image column (${IMAGE_KEYS}) and a class column (${LABEL_KEYS})`,
      );
    }
    table.slice(1).forEach((r, i) => {
      add(r[ic], r[lc], `row ${i + 2}`);
    });
  }
  if (rows.length === 0) throw new BadDatasetError(file, 'lists no images');
  return rows;
}

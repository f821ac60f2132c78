/**
 * Captions made elsewhere (e.g. real BLIP-2 in Python) as an alternative to the in-browser captioner
 * (ALGORITHM.md §3): JSON `{"<image>": "<caption>"}` or `[{"image": …, "caption": …}]`, or CSV with a
 * header naming an image column (image|file|path) and a caption column (caption|text). Keys are the
 * image paths as the user's dataset names them. Errors name the file, the row and what to fix.
 */
import { BadDatasetError } from '../../core/errors.ts';

const IMAGE_KEYS = ['image', 'file', 'path'];
const CAPTION_KEYS = ['caption', 'text'];

export function parseCaptions(text: string, fileName: string): Map<string, string> {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  return trimmed.startsWith('{') || trimmed.startsWith('[')
    ? fromJson(body, fileName)
    : fromCsv(body, fileName);
}

function add(out: Map<string, string>, image: unknown, caption: unknown, file: string, where: string): void {
  if (typeof image !== 'string' || image.trim() === '')
    throw new BadDatasetError(file, `${where}: no image name`);
  if (typeof caption !== 'string' || caption.trim() === '') {
    throw new BadDatasetError(file, `${where}: the caption of '${image}' is empty or not text`);
  }
  const key = image.trim();
  if (out.has(key)) throw new BadDatasetError(file, `${where}: '${key}' has a second caption`);
  out.set(key, caption.trim().replace(/\s+/g, ' '));
}

function fromJson(text: string, file: string): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BadDatasetError(file, `is not valid JSON (${(e as Error).message})`);
  }
  const out = new Map<string, string>();
  if (Array.isArray(data)) {
    data.forEach((row, i) => {
      if (typeof row !== 'object' || row === null)
        throw new BadDatasetError(file, `item ${i} is not an object`);
      const r = row as Record<string, unknown>;
      const image = IMAGE_KEYS.map((k) => r[k]).find((v) => v !== undefined);
      const caption = CAPTION_KEYS.map((k) => r[k]).find((v) => v !== undefined);
      add(out, image, caption, file, `item ${i}`);
    });
  } else if (typeof data === 'object' && data !== null) {
    for (const [k, v] of Object.entries(data)) add(out, k, v, file, `key '${k}'`);
  } else {
    throw new BadDatasetError(file, 'must be an object {image: caption} or an array of {image, caption}');
  }
  if (out.size === 0) throw new BadDatasetError(file, 'has no captions');
  return out;
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and newlines. */
export function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (quoted) throw new Error('a quoted field is not closed');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0].trim() !== '');
}

function fromCsv(text: string, file: string): Map<string, string> {
  let rows: string[][];
  try {
    rows = csvRows(text);
  } catch (e) {
    throw new BadDatasetError(file, `is not valid CSV: ${(e as Error).message}`);
  }
  if (rows.length < 2) throw new BadDatasetError(file, 'needs a header row and at least one caption');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const ic = col(IMAGE_KEYS);
  const cc = col(CAPTION_KEYS);
  if (ic < 0 || cc < 0) {
    throw new BadDatasetError(
      file,
      `header must name an image column (${IMAGE_KEYS}) and a caption column (${CAPTION_KEYS})`,
    );
  }
  const out = new Map<string, string>();
  rows.slice(1).forEach((r, i) => {
    add(out, r[ic], r[cc], file, `row ${i + 2}`);
  });
  return out;
}

/**
 * A run's outputs as a list of files: the augmented dataset (images/<class>/<file>), metadata.jsonl (one
 * line per image), policy.json (the format `autogenda search` writes) and the report (markdown + JSON).
 * Pure: zip.ts / folder writers turn the list into an archive or a folder.
 */
import { ConfigError } from '../../core/errors.ts';
import { NameSet, safeSegment } from './names.ts';
import { type RunReport, reportMarkdown } from './report.ts';

export type ImageExt = 'png' | 'jpg' | 'webp';

/** A file's bytes, or how to read them when the file is written (from the store: big exports). */
export type ExportData = Uint8Array | (() => Promise<Uint8Array>);

export const exportBytes = async (d: ExportData): Promise<Uint8Array> => (typeof d === 'function' ? d() : d);

export interface ExportImage {
  /** Stable id (content hash or cache key); parents refer to it. */
  id: string;
  class: string;
  /** 'real', or the generation source ('local', 'transfer', …) as in the policy's sources. */
  source: string;
  data: ExportData;
  ext: ImageExt;
  /** Preferred file name (the original for real images); sanitised and made unique. */
  name?: string;
  caption?: string;
  prompt?: string;
  seed?: number;
  strength?: number;
  /** Id of the image this one was generated from. */
  parent?: string;
}

export interface Policy {
  classes: string[];
  sources: string[];
  /** probs[class][source], each row sums to 1. */
  probs: number[][];
  method?: string;
}

export interface RunExport {
  images: readonly ExportImage[];
  policy?: Policy;
  report?: RunReport;
}

export interface ExportFile {
  path: string;
  data: ExportData;
  /** Already compressed (images): store, do not deflate. */
  compressed: boolean;
}

/** One metadata.jsonl line. `parent` is the parent's path in this export, or its id when not exported. */
export interface MetadataLine {
  path: string;
  id: string;
  class: string;
  source: string;
  caption: string | null;
  prompt: string | null;
  seed: number | null;
  strength: number | null;
  parent: string | null;
}

const enc = new TextEncoder();
const jsonFile = (path: string, v: unknown): ExportFile => ({
  path,
  data: enc.encode(`${JSON.stringify(v, null, 2)}\n`),
  compressed: false,
});

export function checkPolicy(p: Policy): void {
  const bad = (why: string) => new ConfigError(`policy.json: ${why}`);
  if (p.probs.length !== p.classes.length) {
    throw bad(`${p.probs.length} rows of probabilities for ${p.classes.length} classes`);
  }
  p.probs.forEach((row, c) => {
    if (row.length !== p.sources.length) {
      throw bad(`class ${c} has ${row.length} probabilities for ${p.sources.length} sources`);
    }
    if (!row.every((x) => Number.isFinite(x) && x >= 0))
      throw bad(`class ${c} has a negative or NaN probability`);
    const sum = row.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-4) throw bad(`class ${c}'s probabilities sum to ${sum}, not 1`);
  });
}

/** Every file of the export, in a stable order: images by class then input order, then the JSON/markdown. */
export function exportFiles(run: RunExport): ExportFile[] {
  const classDirs = new NameSet();
  const dirOf = new Map<string, { dir: string; names: NameSet }>();
  const pathOf = new Map<string, string>();
  const files: ExportFile[] = [];
  const sorted = run.images.map((img, i) => ({ img, i }));
  for (const { img } of sorted) {
    if (!dirOf.has(img.class)) {
      dirOf.set(img.class, { dir: classDirs.claim(safeSegment(img.class, 'class')), names: new NameSet() });
    }
  }
  const order = [...dirOf.keys()];
  sorted.sort((a, b) => order.indexOf(a.img.class) - order.indexOf(b.img.class) || a.i - b.i);
  for (const { img } of sorted) {
    if (pathOf.has(img.id)) throw new ConfigError(`export: image id '${img.id}' appears twice`);
    const d = dirOf.get(img.class)!;
    const stem = safeSegment((img.name ?? img.id).replace(/\.(png|jpe?g|webp)$/i, ''), 'image');
    const path = `images/${d.dir}/${d.names.claim(`${stem}.${img.ext}`)}`;
    pathOf.set(img.id, path);
    files.push({ path, data: img.data, compressed: true });
  }
  const lines = sorted.map(
    ({ img }): MetadataLine => ({
      path: pathOf.get(img.id)!,
      id: img.id,
      class: img.class,
      source: img.source,
      caption: img.caption ?? null,
      prompt: img.prompt ?? null,
      seed: img.seed ?? null,
      strength: img.strength ?? null,
      parent: img.parent === undefined ? null : (pathOf.get(img.parent) ?? img.parent),
    }),
  );
  files.push({
    path: 'metadata.jsonl',
    data: enc.encode(lines.map((l) => `${JSON.stringify(l)}\n`).join('')),
    compressed: false,
  });
  if (run.policy) {
    checkPolicy(run.policy);
    const { classes, sources, probs, method } = run.policy;
    files.push(jsonFile('policy.json', { classes, sources, probs, ...(method ? { method } : {}) }));
  }
  if (run.report) {
    files.push(jsonFile('report.json', run.report));
    files.push({ path: 'report.md', data: enc.encode(reportMarkdown(run.report)), compressed: false });
  }
  return files;
}

/**
 * Import into a Store: every kept image as `images/<dataset>/<hash>` (bytes + metadata), imported
 * captions as `captions/<dataset>/<hash>`, and the report as `datasets/<dataset>`. Keys are content
 * hashes, so importing the same files again rewrites the same records.
 */
import type { Collection } from '../../storage/schema.ts';
import type { JsonObject, Store } from '../../storage/store.ts';
import type { ImportedImage, ImportReport } from './import.ts';

export function saveImage(store: Store<Collection>, dataset: string) {
  return async (img: ImportedImage, bytes: Uint8Array): Promise<void> => {
    const { caption: _c, ...meta } = img;
    await store.put('images', `${dataset}/${img.hash}`, { ...meta }, bytes);
  };
}

/** After importDataset: captions (known only at the end) and the report itself. */
export async function saveReport(
  store: Store<Collection>,
  dataset: string,
  report: ImportReport,
): Promise<void> {
  for (const img of report.images) {
    if (img.caption !== undefined) {
      await store.put('captions', `${dataset}/${img.hash}`, { caption: img.caption, source: 'imported' });
    }
  }
  const { images, ...rest } = report;
  const meta = { ...rest, imageKeys: images.map((i) => `${dataset}/${i.hash}`) };
  await store.put('datasets', dataset, JSON.parse(JSON.stringify(meta)) as JsonObject);
}

/**
 * An export's dataset.zip written to a file as it is made (export/write.ts writeZip), so a run of
 * 100,000 images never holds the archive in memory.
 */
import type { ExportFile } from '../pipeline/export/dataset.ts';
import { writeZip } from '../pipeline/export/write.ts';

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: {
  open(
    p: string,
    o: { write: true; create: true; truncate: true },
  ): Promise<{ write(b: Uint8Array): Promise<number>; close(): void }>;
};

export async function writeZipFile(path: string, files: readonly ExportFile[]): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    await writeZip(files, async (chunk) => {
      // write() may take only part of the chunk
      for (let at = 0; at < chunk.length; ) at += await file.write(chunk.subarray(at));
    });
  } finally {
    file.close();
  }
}

/**
 * Archives are untrusted: '../' and absolute entries are refused, and size bombs are stopped from
 * the central directory (entry count, total and per-entry size, ratio) or, when the directory lies,
 * the moment inflating passes the declared size. Good entries next to bad ones are kept.
 */
import { describe, expect, it } from 'vitest';
import { BadDatasetError } from '../../src/core/errors.ts';
import { zipSource } from '../../src/pipeline/import/zip.ts';
import { png, zip } from '../support/bad-inputs.ts';

const good = png(4, 4, 1);
const paths = (src: ReturnType<typeof zipSource>) => src.entries.map((e) => e.path);

describe('zipSource', () => {
  it('lists files and empty folders, and reads entries back byte for byte (stored and deflated)', async () => {
    for (const level of [0, 6] as const) {
      const z = zip({ 'cat/a.png': good, 'dog/': new Uint8Array(0), 'cat/notes/': new Uint8Array(0) }, level);
      const src = zipSource('d.zip', z);
      expect(paths(src)).toEqual(['cat/a.png']);
      expect(src.emptyFolders).toEqual(['cat/notes', 'dog']);
      expect(await src.entries[0].read()).toEqual(good);
    }
  });

  it("refuses '../', absolute and drive-letter entries by name, keeping the rest", () => {
    const z = zip({
      '../evil.png': good,
      'cat/../../up.png': good,
      '/etc/passwd': good,
      'C:/x.png': good,
      'cat/ok.png': good,
    });
    const src = zipSource('t.zip', z);
    expect(paths(src)).toEqual(['cat/ok.png']);
    expect(src.refused.map((r) => r.path).sort()).toEqual([
      '../evil.png',
      '/etc/passwd',
      'C:/x.png',
      'cat/../../up.png',
    ]);
    for (const r of src.refused) expect(r.reason).toMatch(/unsafe path/);
  });

  it('skips macOS and hidden litter silently', () => {
    const src = zipSource(
      'm.zip',
      zip({ '__MACOSX/cat/._a.png': good, 'cat/.DS_Store': good, 'cat/a.png': good }),
    );
    expect(paths(src)).toEqual(['cat/a.png']);
    expect(src.refused).toEqual([]);
  });

  it('refuses an entry whose compression ratio is bomb-like, and one over the per-file limit', () => {
    const zeros = new Uint8Array(8 * 1024 * 1024); // deflates ~1000:1
    const src = zipSource('b.zip', zip({ 'cat/bomb.png': zeros, 'cat/ok.png': good }));
    expect(paths(src)).toEqual(['cat/ok.png']);
    expect(src.refused[0]).toEqual({
      path: 'cat/bomb.png',
      reason: expect.stringMatching(/ratio \d+:1 is over 100:1/),
    });
    const small = zipSource('b.zip', zip({ 'cat/big.png': zeros }, 0), { maxFileBytes: 1024 * 1024 });
    expect(small.refused[0].reason).toMatch(/over the 1 MB limit per file/);
  });

  it('refuses a whole archive with too many entries or too much data in all', () => {
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`c/${i}.png`, png(2, 2, i)]));
    expect(() => zipSource('many.zip', zip(many), { maxEntries: 4 })).toThrow(
      /has 5 entries, over the limit of 4/,
    );
    expect(() => zipSource('total.zip', zip(many), { maxTotalBytes: 200 })).toThrow(BadDatasetError);
    expect(() => zipSource('x.zip', good)).toThrow(/x\.zip: is not a zip archive/);
  });

  it('stops inflating when an entry produces more than its header declared (a lying bomb)', async () => {
    const z = zip({ 'cat/liar.png': new Uint8Array(200_000) });
    // Patch the declared uncompressed size in the central directory (offset 24 of its entry) to 1000.
    const cd = z.findLastIndex(
      (_, i) => z[i] === 0x50 && z[i + 1] === 0x4b && z[i + 2] === 1 && z[i + 3] === 2,
    );
    new DataView(z.buffer).setUint32(cd + 24, 1000, true);
    const src = zipSource('liar.zip', z);
    await expect(src.entries[0].read()).rejects.toThrow(/more than its declared size/);
  });

  it('reports a corrupt entry as an entry error, not a crash', async () => {
    const z = zip({ 'cat/a.png': png(16, 16, 5) });
    const local = 30 + 'cat/a.png'.length;
    z.fill(0xff, local, local + 20); // garbage deflate stream
    await expect(zipSource('c.zip', z).entries[0].read()).rejects.toThrow(/corrupt archive entry/);
  });
});

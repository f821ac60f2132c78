/**
 * The bundled demo dataset (public/demo/fashion-mnist-demo.zip): it opens with the import's own zip
 * reader, holds 10 classes × 10 grayscale 28×28 PNGs plus its README and LICENSE, imports cleanly,
 * and scripts/make-demo-set.mjs rebuilds it byte for byte from Debian's dataset-fashion-mnist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { importDataset } from '../../src/pipeline/import/import.ts';
import { zipSource } from '../../src/pipeline/import/zip.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const DEMO = join(ROOT, 'public', 'demo');
const FOLDERS = [
  'Ankle-boot',
  'Bag',
  'Coat',
  'Dress',
  'Pullover',
  'Sandal',
  'Shirt',
  'Sneaker',
  'T-shirt-top',
  'Trouser',
];
const debianFiles = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(
  (f) => `/usr/share/datasets/fashion-mnist/${f}`,
);
const haveDebian = debianFiles.every((f) => existsSync(f));
if (!haveDebian) {
  console.warn(
    "demo-set: Debian's dataset-fashion-mnist is not installed (scripts/setup.sh installs it): " +
      'the byte-for-byte rebuild check is skipped.',
  );
}

const committed = () => new Uint8Array(readFileSync(join(DEMO, 'fashion-mnist-demo.zip')));

describe('the bundled demo zip', () => {
  it('has 10 class folders × 10 grayscale 28×28 PNGs, and README/LICENSE naming source and licence', async () => {
    const src = zipSource('demo.zip', committed());
    expect(src.refused).toEqual([]);
    const byFolder = new Map<string, number>();
    for (const e of src.entries.filter((x) => x.path.includes('/'))) {
      const folder = e.path.split('/')[0];
      byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
      expect(e.path).toMatch(/^[A-Za-z-]+\/\d{5}\.png$/);
      const png = decode(await e.read());
      expect([png.width, png.height, png.channels, png.depth]).toEqual([28, 28, 1, 8]);
    }
    expect([...byFolder.keys()].sort()).toEqual(FOLDERS);
    expect([...byFolder.values()]).toEqual(Array(10).fill(10));
    const root = src.entries.filter((x) => !x.path.includes('/')).map((x) => x.path);
    expect(root.sort()).toEqual(['LICENSE.txt', 'README.txt']);
    const text = async (p: string) =>
      new TextDecoder().decode(await src.entries.find((e) => e.path === p)!.read());
    expect(await text('README.txt')).toMatch(/Zalando[\s\S]*dataset-fashion-mnist[\s\S]*make-demo-set\.mjs/);
    expect(await text('LICENSE.txt')).toMatch(
      /Copyright \(c\) 2017 Zalando SE[\s\S]*Permission is hereby granted/,
    );
    // The copies next to the zip are the same files.
    expect(readFileSync(join(DEMO, 'README.txt'), 'utf8')).toBe(await text('README.txt'));
    expect(readFileSync(join(DEMO, 'LICENSE.txt'), 'utf8')).toBe(await text('LICENSE.txt'));
  });

  it('imports with every image kept: 10 classes of 10, no duplicates', async () => {
    const src = zipSource('demo.zip', committed());
    src.entries = src.entries.filter((e) => e.path.includes('/'));
    const r = await importDataset(src, { decoder: jsDecoder });
    expect(r.skipped).toEqual([]);
    expect(r.classes.map((c) => c.count)).toEqual(Array(10).fill(10));
    expect(r.classes.map((c) => c.name)).toContain('ankle boot');
    expect(r.emptyClasses).toEqual([]);
    expect(r.smallClasses).toEqual([]);
  });

  it.skipIf(!haveDebian)(
    'is rebuilt byte for byte by scripts/make-demo-set.mjs (needs Debian dataset-fashion-mnist)',
    () => {
      const out = mkdtempSync(join(tmpdir(), 'autogenda-demo-'));
      try {
        const r = spawnSync(process.execPath, ['scripts/make-demo-set.mjs', '--out', out], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, TZ: 'Pacific/Auckland' }, // the zip's timestamps must not follow the zone
        });
        expect(r.status, r.stderr).toBe(0);
        for (const f of ['fashion-mnist-demo.zip', 'README.txt', 'LICENSE.txt']) {
          expect(new Uint8Array(readFileSync(join(out, f))), f).toEqual(
            new Uint8Array(readFileSync(join(DEMO, f))),
          );
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );
});

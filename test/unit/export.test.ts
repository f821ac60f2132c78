/**
 * Run export: the augmented dataset, metadata.jsonl, policy.json and the report, as a zip read back with
 * fflate and as a folder; untrusted names sanitised (path traversal, reserved names, unicode).
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { zipBlob } from '../../src/pipeline/app/export-zip.ts';
import {
  type ExportImage,
  exportBytes,
  exportFiles,
  type MetadataLine,
} from '../../src/pipeline/export/dataset.ts';
import { NameSet, safeSegment } from '../../src/pipeline/export/names.ts';
import { mdText, type RunReport, reportMarkdown } from '../../src/pipeline/export/report.ts';
import { toZip, writeFolder, writeZip } from '../../src/pipeline/export/write.ts';

const bytes = (...v: number[]) => Uint8Array.from(v);

const EVIL = '../../etc/<img src=x onerror=alert(1)>|x';
const images: ExportImage[] = [
  { id: 'h1', class: 'chat', source: 'real', data: bytes(1, 2, 3), ext: 'png', name: 'IMG_1.PNG' },
  { id: 'h2', class: '狗', source: 'real', data: bytes(4), ext: 'jpg', name: 'photo.jpg' },
  {
    id: 'g1',
    class: '狗',
    source: 'local',
    data: bytes(5, 6),
    ext: 'png',
    caption: 'a photo of a 狗 which sits',
    prompt: 'a photo of a 狗 which sits',
    seed: 42,
    strength: 0.5,
    parent: 'h2',
  },
  { id: 'h3', class: EVIL, source: 'real', data: bytes(7), ext: 'webp', name: '../../../passwd' },
  { id: 'h4', class: 'chat', source: 'real', data: bytes(8), ext: 'png', name: 'img_1.png' },
  { id: 'g2', class: 'chat', source: 'transfer', data: bytes(9), ext: 'png', parent: 'gone', seed: 1 },
];
const policy = {
  classes: ['chat', '狗', EVIL],
  sources: ['real', 'local', 'transfer'],
  probs: [
    [0.5, 0.25, 0.25],
    [1, 0, 0],
    [0.2, 0.3, 0.5],
  ],
};
const report: RunReport = {
  method: 'autogenda',
  seed: 3,
  classes: policy.classes,
  sources: policy.sources,
  models: { backbone: 'tiny-resnet-hf' },
  plumbingOnly: true,
  metrics: { top1: 0.5, meanClassAcc: 0.4, perClass: [0.5, 0.25, 1], testCount: 6 },
  trainCounts: [10, 2, 1],
  policy: policy.probs,
};

describe('safeSegment / NameSet', () => {
  it('keeps unicode (NFC) and drops separators, dots in front, control characters, reserved names', () => {
    expect(safeSegment('café'.normalize('NFD'))).toBe('café');
    expect(safeSegment('狗')).toBe('狗');
    expect(safeSegment('../../etc/passwd')).toBe('_.._etc_passwd');
    for (const bad of ['..', '.', '', '   ', '...']) expect(safeSegment(bad)).toBe('_');
    expect(safeSegment('.hidden')).toBe('hidden');
    expect(safeSegment('a\u0000b\nc')).toBe('a_b_c');
    expect(safeSegment('C:\\Windows')).toBe('C__Windows');
    expect(safeSegment('CON')).toBe('_CON');
    expect(safeSegment('nul.txt')).toBe('_nul.txt');
    expect(safeSegment('name. ')).toBe('name');
    const long = safeSegment('猫'.repeat(200));
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^猫+$/); // cut on a character boundary
  });

  it('gives unique names within a folder, case-insensitively', () => {
    const n = new NameSet();
    expect(['a.png', 'A.png', 'a.png', 'b'].map((x) => n.claim(x))).toEqual([
      'a.png',
      'A-2.png',
      'a-3.png',
      'b',
    ]);
  });
});

const zipped = await toZip(exportFiles({ images, policy, report }));

describe('exportFiles → zip', () => {
  const zip = zipped;
  const entries = unzipSync(zip);
  const paths = Object.keys(entries);
  const meta = strFromU8(entries['metadata.jsonl'])
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as MetadataLine);

  it('every path stays inside the archive; every image is there byte for byte', () => {
    for (const p of paths) {
      expect(p.startsWith('/')).toBe(false);
      expect(p.split('/')).not.toContain('..');
      expect(p).not.toMatch(/[<>|\\]/);
    }
    const imagePaths = paths.filter((p) => p.startsWith('images/'));
    expect(imagePaths).toHaveLength(images.length);
    for (const img of images) {
      const line = meta.find((l) => l.id === img.id)!;
      expect(entries[line.path]).toEqual(img.data);
      expect(line.path.endsWith(`.${img.ext}`)).toBe(true);
    }
    expect(paths).toEqual(
      expect.arrayContaining(['metadata.jsonl', 'policy.json', 'report.json', 'report.md']),
    );
  });

  it('metadata.jsonl: one line per image with class, source, caption, prompt, seed, strength, parent', () => {
    expect(meta).toHaveLength(images.length);
    const byId = Object.fromEntries(meta.map((l) => [l.id, l]));
    expect(byId.h2.path).toBe('images/狗/photo.jpg');
    expect(byId.g1).toEqual({
      path: 'images/狗/g1.png',
      id: 'g1',
      class: '狗',
      source: 'local',
      caption: 'a photo of a 狗 which sits',
      prompt: 'a photo of a 狗 which sits',
      seed: 42,
      strength: 0.5,
      parent: 'images/狗/photo.jpg', // the parent's path in this export
    });
    expect(byId.g2.parent).toBe('gone'); // not exported: its id
    expect(byId.h1.caption).toBeNull();
    // Same name differing in case: two files, not one overwritten.
    expect(byId.h1.path).toBe('images/chat/IMG_1.png');
    expect(byId.h4.path).toBe('images/chat/img_1-2.png');
    // The evil class and file name stay one folder deep under images/.
    expect(byId.h3.class).toBe(EVIL);
    expect(byId.h3.path.split('/')).toHaveLength(3);
    expect(byId.h3.path).toMatch(/^images\/[^/]+\/_.._.._passwd\.webp$/);
  });

  it('policy.json has the `autogenda search` format; report.json round-trips', () => {
    expect(JSON.parse(strFromU8(entries['policy.json']))).toEqual(policy);
    expect(JSON.parse(strFromU8(entries['report.json']))).toEqual(report);
  });

  it('report.md says plumbing-only loudly and shows untrusted names as text', () => {
    const md = strFromU8(entries['report.md']);
    expect(md).toMatch(/PLUMBING fixtures.*NOT results/);
    expect(md).not.toContain('<img');
    expect(md).toContain('| ../../etc/&lt;img src=x onerror=alert\\(1\\)\\>\\|x | 100.00% | 1 |');
    expect(md).toContain('| 狗 | 25.00% | 2 | 1.000 | 0.000 | 0.000 |');
    // Every table row has the same number of unescaped cell separators.
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    const cells = rows.map((r) => r.split(/(?<!\\)\|/).length);
    expect(new Set(cells).size).toBe(1);
    expect(reportMarkdown({ ...report, plumbingOnly: false })).not.toMatch(/PLUMBING/);
    expect(mdText('a\nb')).toBe('a b');
  });
});

describe('export: refusals and folder output', () => {
  it('refuses a malformed policy and duplicate image ids, naming the problem', () => {
    const bad = (probs: number[][]) => () => exportFiles({ images: [], policy: { ...policy, probs } });
    expect(bad([[1, 0, 0]])).toThrow(/policy.json: 1 rows of probabilities for 3 classes/);
    expect(
      bad([
        [1, 0],
        [1, 0, 0],
        [1, 0, 0],
      ]),
    ).toThrow(/class 0 has 2 probabilities for 3 sources/);
    expect(
      bad([
        [0.5, 0, 0],
        [1, 0, 0],
        [1, 0, 0],
      ]),
    ).toThrow(/sum to 0.5, not 1/);
    expect(
      bad([
        [Number.NaN, 0, 1],
        [1, 0, 0],
        [1, 0, 0],
      ]),
    ).toThrow(ConfigError);
    expect(() => exportFiles({ images: [images[0], images[0]] })).toThrow(/image id 'h1' appears twice/);
  });

  it('two classes that sanitise to the same folder get different folders', () => {
    const files = exportFiles({
      images: [
        { id: 'a', class: 'a/b', source: 'real', data: bytes(1), ext: 'png' },
        { id: 'b', class: 'a_b', source: 'real', data: bytes(2), ext: 'png' },
        { id: 'c', class: 'A_B', source: 'real', data: bytes(3), ext: 'png' },
      ],
    });
    expect(files.filter((f) => f.path.startsWith('images/')).map((f) => f.path)).toEqual([
      'images/a_b/a.png',
      'images/a_b-2/b.png',
      'images/A_B-3/c.png',
    ]);
  });

  it('writes a folder through the fs interface, and refuses unsafe paths', async () => {
    const written = new Map<string, Uint8Array>();
    const dirs: string[] = [];
    const fs = {
      writeFile: async (p: string, d: Uint8Array) => void written.set(p, d),
      mkdir: async (p: string) => void dirs.push(p),
    };
    const files = exportFiles({ images, policy });
    await writeFolder(files, '/out/', fs);
    expect([...written.keys()]).toEqual(files.map((f) => `/out/${f.path}`));
    expect(dirs).toContain('/out/images/狗');
    for (const path of ['../x', '/abs', 'a//b', 'a\\b']) {
      await expect(writeFolder([{ path, data: bytes(), compressed: false }], '/out', fs)).rejects.toThrow(
        /unsafe path/,
      );
      await expect(toZip([{ path, data: bytes(), compressed: false }])).rejects.toThrow(/unsafe path/);
    }
  });
});

describe('export: files read from the store one at a time', () => {
  it('writeZip reads each lazy file only after the previous one went out, and keeps every byte', async () => {
    let reading = 0;
    let most = 0;
    let chunkAfterRead = true;
    // each image's bytes "come from the store" only when its turn comes
    const lazy = images.map((img) => ({
      ...img,
      data: async () => {
        reading++;
        most = Math.max(most, reading);
        chunkAfterRead = false;
        return img.data as Uint8Array;
      },
    }));
    const out: Uint8Array[] = [];
    await writeZip(exportFiles({ images: lazy, policy }), async (c) => {
      chunkAfterRead = true;
      reading = 0; // what was read is written: nothing of it needs to stay
      out.push(c);
    });
    expect(most).toBe(1);
    expect(chunkAfterRead).toBe(true);
    const entries = unzipSync(new Uint8Array(Buffer.concat(out)));
    const eager = unzipSync(await toZip(exportFiles({ images, policy })));
    expect(Object.keys(entries)).toEqual(Object.keys(eager));
    for (const k of Object.keys(eager)) expect(entries[k]).toEqual(eager[k]);
  });

  it("the app's zip without OPFS (here, Node) is the same zip, built in memory", async () => {
    const files = exportFiles({ images, policy });
    const blob = await zipBlob(files, 'x-autogenda.zip');
    expect(blob.type).toBe('application/zip');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(await toZip(files));
  });

  it('writeFolder writes lazy files byte for byte, and a failed read names the file', async () => {
    const written = new Map<string, Uint8Array>();
    const fs = {
      writeFile: async (p: string, d: Uint8Array) => void written.set(p, d),
      mkdir: async () => {},
    };
    const lazy = images.map((img) => ({ ...img, data: async () => img.data as Uint8Array }));
    await writeFolder(exportFiles({ images: lazy }), '/o', fs);
    const eager = exportFiles({ images });
    for (const f of eager) expect(written.get(`/o/${f.path}`)).toEqual(await exportBytes(f.data));
    const missing = [
      { path: 'images/x.png', data: () => Promise.reject(new Error('x.png: gone')), compressed: true },
    ];
    await expect(writeZip(missing, async () => {})).rejects.toThrow(/x.png: gone/);
  });
});

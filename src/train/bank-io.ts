/**
 * Reading and writing a bank directory on a file system (Deno by default; tests pass a Node adapter).
 * Files: features.npy, labels.npy, split.json, bank.json (see bank.ts). The features are parsed as a
 * view on the bytes read, and written as header + the array's own bytes, so an 800 MB bank is never
 * copied in memory.
 */
import { BadDatasetError } from '../core/errors.ts';
import { npyHeader, parseNpy, writeNpy } from '../core/npy.ts';
import {
  BANK_FILES,
  type BankFileNames,
  checkBank,
  denseFeatures,
  type FeatureBank,
  validateBank,
} from './bank.ts';

/** The few file operations a bank needs. */
export interface BankFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array, options?: { append?: boolean }): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
}

// Only what this file uses; tsconfig type-checks against the DOM libs, not Deno's.
declare const Deno: BankFs;

/** Deno's file system; throws a clear error when not running in Deno. */
export function denoFs(): BankFs {
  if (!('Deno' in globalThis)) throw new Error('bank-io: no file system given and not running in Deno');
  return {
    readFile: (p) => Deno.readFile(p),
    writeFile: (p, d, o) => Deno.writeFile(p, d, o),
    mkdir: (p, o) => Deno.mkdir(p, o),
  };
}

const WHAT: Record<keyof BankFileNames, string> = {
  features: 'float32 features of shape [N, S, K, D] (samples × sources × candidates × dims)',
  labels: 'int32 labels of shape [N], one class index per sample',
  split: 'JSON {"train":[…],"valid":[…],"test":[…]} with sample indices',
  bank: 'JSON {"classes":[…],"sources":[…],"candidates":K,"dim":D}',
};

function join(dir: string, name: string): string {
  return `${dir.replace(/[/\\]+$/, '')}/${name}`;
}

/** Deno says NotFound, Node says ENOENT. */
function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; code?: string } | null;
  return x?.name === 'NotFound' || x?.code === 'ENOENT';
}

async function readOrExplain(fs: BankFs, path: string, key: keyof BankFileNames): Promise<Uint8Array> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    if (isNotFound(e))
      throw new BadDatasetError(path, `file is missing; a bank directory needs it: ${WHAT[key]}`);
    throw new BadDatasetError(path, `cannot be read: ${(e as Error).message ?? String(e)}`);
  }
}

function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new BadDatasetError(path, `is not valid JSON: ${(e as Error).message}`);
  }
}

/** Read and validate a bank directory. Returns the bank and warnings (e.g. a class missing from test). */
export async function readBankDir(
  dir: string,
  fs: BankFs = denoFs(),
): Promise<{ bank: FeatureBank; warnings: string[] }> {
  const names: BankFileNames = {
    bank: join(dir, BANK_FILES.bank),
    features: join(dir, BANK_FILES.features),
    labels: join(dir, BANK_FILES.labels),
    split: join(dir, BANK_FILES.split),
  };
  // Small files first, so a bad bank.json fails before reading hundreds of MB of features.
  const bankJson = parseJson(await readOrExplain(fs, names.bank, 'bank'), names.bank);
  const splitJson = parseJson(await readOrExplain(fs, names.split, 'split'), names.split);
  const labels = parseNpy(await readOrExplain(fs, names.labels, 'labels'), names.labels);
  const features = parseNpy(await readOrExplain(fs, names.features, 'features'), names.features);
  return validateBank({ bankJson, splitJson, labels, features }, names);
}

/** Check a bank, then write it as a bank directory (created if needed). */
export async function writeBankDir(dir: string, bank: FeatureBank, fs: BankFs = denoFs()): Promise<void> {
  checkBank(bank);
  await fs.mkdir(dir, { recursive: true });
  const enc = new TextEncoder();
  const meta = { classes: bank.classes, sources: bank.sources, candidates: bank.K, dim: bank.D };
  await fs.writeFile(join(dir, BANK_FILES.bank), enc.encode(`${JSON.stringify(meta, null, 2)}\n`));
  const { train, valid, test } = bank.split;
  await fs.writeFile(join(dir, BANK_FILES.split), enc.encode(`${JSON.stringify({ train, valid, test })}\n`));
  await fs.writeFile(join(dir, BANK_FILES.labels), writeNpy(bank.labels, [bank.N]));
  const f = denseFeatures(bank); // an indexed bank is written in the dense .npy layout
  const path = join(dir, BANK_FILES.features);
  await fs.writeFile(path, npyHeader(f, [bank.N, bank.S, bank.K, bank.D]));
  await fs.writeFile(path, new Uint8Array(f.buffer, f.byteOffset, f.byteLength), { append: true });
}

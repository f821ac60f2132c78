/** The bank file operations on Node's file system (tests write banks that the Deno CLI then reads). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { BankFs } from '../../src/train/bank-io.ts';

export const nodeBankFs: BankFs = {
  readFile: async (p) => new Uint8Array(await readFile(p)),
  writeFile: (p, d, o) => writeFile(p, d, { flag: o?.append ? 'a' : 'w' }),
  mkdir: async (p, o) => {
    await mkdir(p, o);
  },
};

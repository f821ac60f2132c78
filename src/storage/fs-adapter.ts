/**
 * The few file operations the file-system store needs, so src/ imports no Node or Deno module:
 * fs-deno.ts implements it with Deno's API, tests with node:fs (test/support/fs-adapter.ts).
 * Paths use '/'.
 */
export interface FsAdapter {
  /** The bytes, or undefined when the file does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** Replace the file atomically (write a temporary file, then rename over it). */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** No error when the file does not exist. */
  remove(path: string): Promise<void>;
  /** File names (not paths) in a directory; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  mkdirp(dir: string): Promise<void>;
  /** Last modification time in ms, undefined when absent; optional: only sweeping stale files needs it. */
  mtime?(path: string): Promise<number | undefined>;
}

/** Random hex, so names made by processes on different machines of one shared file system never meet. */
export function uniqueToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * The temporary name `writeFile` writes before renaming onto `path`: in the same directory (so the rename
 * is atomic), unique across processes and hosts (pids repeat across machines), ending in `.tmp` (which the
 * store never reads and `sweepFsStore` removes once stale).
 */
export function tempName(path: string): string {
  return `${path}.${uniqueToken()}.tmp`;
}

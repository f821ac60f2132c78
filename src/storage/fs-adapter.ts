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
}

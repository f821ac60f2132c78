/**
 * The few Deno APIs the CLI uses, typed minimally: tsconfig checks src/cli with DOM libs, not Deno's.
 * Only main.ts touches this; everything else in src/cli is runtime-free.
 */
export interface DenoApi {
  readonly args: readonly string[];
  readonly version: { readonly deno: string };
  readTextFile(path: string | URL): Promise<string>;
  readonly stderr: { writeSync(data: Uint8Array): number; isTerminal(): boolean };
  exit(code: number): never;
}

export function denoApi(): DenoApi {
  const d = (globalThis as { Deno?: DenoApi }).Deno;
  if (!d) throw new Error('The AutoGenDA CLI runs on Deno: deno run -A src/cli/main.ts (or npx autogenda).');
  return d;
}

/**
 * The AutoGenDA CLI on Deno: `deno run -A src/cli/main.ts <command> ...` (or `npx autogenda ...`).
 * Wires Deno's argv, console and exit code to the runtime-free dispatcher in cli.ts.
 */
import { runCli } from './cli.ts';
import type { CliIO } from './command.ts';
import { denoApi } from './deno.ts';

const deno = denoApi();

async function version(): Promise<string> {
  const pkg = JSON.parse(await deno.readTextFile(new URL('../../package.json', import.meta.url)));
  return String(pkg.version);
}

const io: CliIO = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

// Exit explicitly: a GPU adapter or a worker left open must not keep the process alive.
deno.exit(await runCli(deno.args, io, await version()));

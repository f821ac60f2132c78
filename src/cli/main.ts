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

const encoder = new TextEncoder();
const tty = deno.stderr.isTerminal();
let lastPrinted = 0;
const io: CliIO = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  // On a terminal the bar redraws in place; in a log (CI) a line every 5 s and the final one.
  status: (line, final) => {
    if (tty) {
      deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${line}${final ? '\n' : ''}`));
    } else if (final || Date.now() - lastPrinted > 5000) {
      lastPrinted = Date.now();
      console.error(line);
    }
  },
};

// Exit explicitly: a GPU adapter or a worker left open must not keep the process alive.
deno.exit(await runCli(deno.args, io, await version()));

/**
 * The dispatcher: global flags, `<cmd> --help`, unknown commands, and turning errors into exit codes.
 * Runtime-free (no Deno, no Node) so unit tests drive it with a fake CliIO.
 */
import { AutoGenDAError } from '../core/errors.ts';
import { UsageError } from './args.ts';
import { type CliIO, EXIT } from './command.ts';
import { COMMANDS, findCommand } from './commands.ts';

export function globalUsage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: autogenda <command> [options]',
    '',
    'AutoGenDA: generative data augmentation for imbalanced image datasets, headless on WebGPU.',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    'Options:',
    "  -h, --help     show this help (or a command's: autogenda <command> --help)",
    '  --version      print the version',
  ].join('\n');
}

/** Help asked for anywhere before a `--` (flags after `--` belong to positionals). */
function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function runCli(argv: readonly string[], io: CliIO, version: string): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(globalUsage());
    return EXIT.USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.out(globalUsage());
    return EXIT.OK;
  }
  if (first === '--version') {
    io.out(version);
    return EXIT.OK;
  }
  const command = findCommand(first);
  if (!command) {
    io.err(`autogenda: unknown ${first.startsWith('-') ? 'option' : 'command'} '${first}'\n`);
    io.err(globalUsage());
    return EXIT.USAGE;
  }
  if (wantsHelp(rest)) {
    io.out(command.usage);
    return EXIT.OK;
  }
  try {
    return await command.run({ argv: rest, io });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`autogenda ${command.name}: ${e.message}`);
      io.err(`Run 'autogenda ${command.name} --help' for usage.`);
      return EXIT.USAGE;
    }
    // Our own errors carry a message meant for the user; anything else is a bug: show the stack.
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(
      `autogenda ${command.name}: ${err instanceof AutoGenDAError ? err.message : (err.stack ?? err.message)}`,
    );
    return EXIT.FAILURE;
  }
}

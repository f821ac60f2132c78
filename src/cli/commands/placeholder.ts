/** A subcommand that is planned but not built: it has a name, summary and usage, and exits 2. */
import { type Command, EXIT } from '../command.ts';

export function placeholder(name: string, summary: string, issue: string, usage = ''): Command {
  const command: Command = {
    name,
    summary,
    usage: `Usage: autogenda ${name} [options]\n\n${summary}\n\nNot implemented yet (${issue}).${usage ? `\n\n${usage}` : ''}`,
    run: async ({ io }) => {
      io.err(`autogenda ${name}: not implemented yet (${issue})`);
      return EXIT.NOT_IMPLEMENTED;
    },
  };
  return Object.freeze(command);
}

/**
 * The subcommands, frozen data: name → Command (each in `commands/<name>.ts`; `placeholder(...)` marks
 * a planned one). Order here is the order in `autogenda --help`.
 */
import type { Command } from './command.ts';
import { makeBench } from './commands/bench.ts';
import { makeDoctor } from './commands/doctor.ts';
import { makeExperiment } from './commands/experiment.ts';
import { makeFixtures } from './commands/fixtures.ts';
import { makeModels } from './commands/models.ts';
import { makeRun } from './commands/run.ts';
import { makeSearch } from './commands/search.ts';
import { makeStatus } from './commands/status.ts';

export const COMMANDS: Readonly<Record<string, Command>> = Object.freeze({
  doctor: makeDoctor(),
  search: makeSearch(),
  run: makeRun(),
  status: makeStatus(),
  fixtures: makeFixtures(),
  models: makeModels(),
  experiment: makeExperiment(),
  bench: makeBench(),
});

/** The Command for a name, or undefined (own keys only, so `constructor` is not a command). */
export function findCommand(name: string): Command | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

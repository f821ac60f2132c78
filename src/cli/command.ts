/** What a CLI subcommand is, what it gets, and the exit codes it returns. No Deno, no Node. */

/** Exit codes; 64 is EX_USAGE from sysexits.h. */
export const EXIT = Object.freeze({
  OK: 0,
  /** The command ran and failed (an error was printed). */
  FAILURE: 1,
  /** The subcommand exists but is a placeholder. */
  NOT_IMPLEMENTED: 2,
  /** This machine cannot run AutoGenDA (doctor found problems). */
  UNUSABLE: 3,
  /** A shard (`run --shard I/N`) waits on items other shards have not stored yet (EX_TEMPFAIL): run it again. */
  WAITING: 75,
  /** Bad command line: unknown command or flag, missing value. */
  USAGE: 64,
});

/** Where a command writes: one line per call. Injected so the dispatcher is testable without Deno. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** A transient status line (progress bar): redrawn in place on a terminal, else printed now and then. */
  status?(line: string, final: boolean): void;
}

export interface CommandContext {
  /** The arguments after the subcommand's name (`--help` never reaches a handler). */
  readonly argv: readonly string[];
  readonly io: CliIO;
}

export interface Command {
  readonly name: string;
  /** One line, shown in the global `--help` listing. */
  readonly summary: string;
  /** The full help text for `autogenda <name> --help`, starting with the `Usage:` line. */
  readonly usage: string;
  /** Returns the exit code. Throw UsageError for a bad command line (exit 64 with usage). */
  readonly run: (ctx: CommandContext) => Promise<number>;
}

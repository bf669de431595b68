import type { Command } from "commander";
import { describeRequestError, resolveConnection, type Connection, type ConnectionFlags } from "./connection";
import { CliError, EXIT } from "./exit-codes";
import { createTerminal, type Terminal } from "./terminal";

export type GlobalFlags = ConnectionFlags & { json?: boolean };

export type CommandContext = {
  term: Terminal;
  /** Connects lazily, so local-only failures (a bad appspec) never need a server. */
  connect: () => Connection;
};

/** Prints a CliError (as JSON on stdout with --json) and returns its exit code. */
export function reportError(term: Terminal, err: CliError): number {
  if (term.json) {
    term.out(JSON.stringify({ error: { message: err.message, exitCode: err.exitCode, details: err.details } }, null, 2));
  }
  term.err(`error: ${err.message}`);
  for (const line of err.details) term.err(line);
  return err.exitCode;
}

/**
 * Wraps a command action: builds the terminal and connection from the global flags, runs the action and
 * turns its result (an exit code) or error into process.exitCode.
 */
export function commandAction<Args extends unknown[]>(fn: (ctx: CommandContext, ...args: Args) => Promise<number | void>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const flags = command.optsWithGlobals<GlobalFlags>();
    const term = createTerminal({ json: flags.json === true });
    let connection: Connection | null = null;
    const ctx: CommandContext = { term, connect: () => (connection ??= resolveConnection(flags)) };
    try {
      process.exitCode = (await fn(ctx, ...(args.slice(0, -1) as Args))) ?? EXIT.ok;
    } catch (err) {
      process.exitCode = reportError(
        term,
        describeRequestError(err, (connection as Connection | null)?.url ?? flags.url ?? process.env.LANDLINE_URL ?? "the server"),
      );
    }
  };
}

/** Parses a duration like 90, 90s, 15m or 1h into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new CliError(`Not a duration: ${text} (use e.g. 90s, 15m or 1h)`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(Number(m[1]) * factor);
}

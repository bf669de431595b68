/** Process exit codes of the landline CLI; scripts branch on these. */
export const EXIT = {
  /** Done; with --wait, the deployment Succeeded. */
  ok: 0,
  /** Usage error, bad flags, authentication or connection problem, server error. */
  usage: 1,
  /** Validation error: the appspec or bundle was refused (locally or by the server), or an input was invalid. */
  invalid: 2,
  /** --wait: the deployment Failed. */
  failed: 3,
  /** --wait: the deployment was Stopped. */
  stopped: 4,
  /** --wait: --timeout passed before the deployment finished (it keeps running). */
  timeout: 5,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success (with --wait: the deployment Succeeded)
  1  usage, authentication, connection or server error
  2  validation error (appspec, bundle or input refused), reported before any upload when found locally
  3  --wait: the deployment Failed
  4  --wait: the deployment was Stopped
  5  --wait: --timeout reached before the deployment finished (it keeps running)`;

/** An error that ends the CLI with a message on stderr and a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    /** Extra lines printed after the message (e.g. one per appspec problem). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "CliError";
  }
}

import { TRPCClientError } from "@trpc/client";
import { readApiErrorData } from "../server/contracts/api-errors";
import { createLandlineClient, type LandlineClient } from "../server/client";
import { CliError, EXIT } from "./exit-codes";
import { proxiedFetch } from "./proxied-fetch";

export type ConnectionFlags = { url?: string; token?: string };

export type Connection = {
  /** Server base URL without a trailing slash. */
  url: string;
  token: string;
  client: LandlineClient;
};

/** Server URL and API token from --url/--token, else LANDLINE_URL/LANDLINE_TOKEN. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const url = (flags.url ?? env.LANDLINE_URL ?? "").replace(/\/+$/, "");
  const token = flags.token ?? env.LANDLINE_TOKEN ?? "";
  if (!url) throw new CliError("No server URL: pass --url or set LANDLINE_URL");
  if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError(`The server URL must start with http:// or https://, got ${url}`);
  if (!token) throw new CliError("No API token: pass --token or set LANDLINE_TOKEN (create one under Settings > API tokens)");
  return { url, token, client: createLandlineClient({ url, token, fetch: proxiedFetch() }) };
}

/** Turns a tRPC or network failure into a message and exit code a person can act on. */
export function describeRequestError(err: unknown, url: string): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof TRPCClientError) {
    const data = readApiErrorData(err.data);
    switch (data.code) {
      case "UNAUTHORIZED":
        return new CliError(`The server refused the API token (${err.message}); check --token or LANDLINE_TOKEN`);
      case "FORBIDDEN":
        return new CliError(err.message);
      case "BAD_REQUEST":
      case "UNPROCESSABLE_CONTENT":
        return new CliError(
          err.message.startsWith("[") ? "The server refused the input" : err.message,
          EXIT.invalid,
          (data.fieldErrors ?? []).map((f) => `  ${f.path}: ${f.message}`),
        );
      case undefined: {
        const cause = (err.cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
        if (cause?.code) return new CliError(`Cannot reach ${url}: ${cause.code}${cause.message ? ` (${cause.message})` : ""}`);
        return new CliError(`Request to ${url} failed: ${err.message}`);
      }
      default:
        return new CliError(err.message);
    }
  }
  if (err instanceof Error) return new CliError(err.message);
  return new CliError(String(err));
}

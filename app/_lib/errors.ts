import { TRPCClientError } from "@trpc/client";
import { readApiErrorData, type ApiErrorData } from "@/server/contracts/api-errors";

/** A field path (dot-joined, e.g. "onPremisesTagSet.0.1.key") mapped to its message. */
export type FieldErrors = Record<string, string>;

function errorData(err: unknown): ApiErrorData | null {
  if (err instanceof TRPCClientError) return readApiErrorData(err.data);
  return null;
}

export function errorCode(err: unknown): string | null {
  return errorData(err)?.code ?? null;
}

export function isUnauthorized(err: unknown): boolean {
  return errorCode(err) === "UNAUTHORIZED";
}

/** Input validation failures keyed by field path, each a sentence shown under its field; empty when the error is not one. */
export function fieldErrorsOf(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  for (const f of errorData(err)?.fieldErrors ?? []) if (!(f.path in out)) out[f.path] = f.message.replace(/^./, (c) => c.toUpperCase());
  return out;
}

const friendly: Record<string, string> = {
  UNAUTHORIZED: "Your session has ended. Sign in again.",
  FORBIDDEN: "Your role does not allow this.",
  TOO_MANY_REQUESTS: "Too many attempts. Wait a minute and try again.",
  INTERNAL_SERVER_ERROR: "The server hit an unexpected error. Try again; if it keeps happening, check the server log.",
  NOT_FOUND: "Not found.",
};

/** A sentence for the user: the server's own message when it wrote one, never a stack or a JSON dump. */
export function errorMessage(err: unknown): string {
  if (err instanceof TRPCClientError) {
    const data = errorData(err);
    const fields = data?.fieldErrors;
    if (fields && fields.length > 0) {
      const first = fields[0];
      return fields.length === 1 && first.path ? `${labelOf(first.path)}: ${first.message}` : "Some fields need attention.";
    }
    const code = data?.code ?? "";
    const message = err.message?.trim() ?? "";
    if (code === "INTERNAL_SERVER_ERROR" || !message || message.startsWith("[") || message.startsWith("{")) {
      return friendly[code] ?? (isNetworkError(err) ? "Cannot reach the server. Check your connection." : "Something went wrong.");
    }
    if (code === "TOO_MANY_REQUESTS" && !/wait|try again|later/i.test(message)) return friendly.TOO_MANY_REQUESTS;
    return message;
  }
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong.";
}

function isNetworkError(err: TRPCClientError<never>): boolean {
  return !err.data && /fetch|network/i.test(err.message);
}

function labelOf(path: string): string {
  const last =
    path
      .split(".")
      .filter((p) => !/^\d+$/.test(p))
      .pop() ?? path;
  return last.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
}

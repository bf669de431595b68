/** Domain errors; only transport adapters map them to TRPCError, HTTP statuses or socket acks. */
export type DomainErrorKind = "NOT_FOUND" | "CONFLICT" | "INVALID" | "FORBIDDEN" | "UNAUTHENTICATED" | "RATE_LIMITED" | "TOO_LARGE";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Where the problem is: a field path, or file and line for bundles. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} does not exist`);
export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError("CONFLICT", message, details);
export const invalid = (message: string, details?: Record<string, unknown>) => new DomainError("INVALID", message, details);

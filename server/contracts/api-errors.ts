import { z } from "zod";

/** One input field the server refused. */
export const fieldErrorSchema = z.object({
  /** Dot-joined path of the field, e.g. "onPremisesTagSet.0.1.key". */
  path: z.string(),
  /** Why it was refused. */
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** The `data` of a tRPC error as server/trpc/init.ts formats it, read by the web app and the CLI. */
export const apiErrorDataSchema = z.object({
  /** tRPC error code, e.g. "NOT_FOUND". */
  code: z.string().optional(),
  /** The HTTP status the error was sent with. */
  httpStatus: z.number().optional(),
  /** Where the problem is (a domain error's details: field, file and line, CodeDeploy exception). */
  details: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Every refused input field, when the input failed its schema. */
  fieldErrors: z.array(fieldErrorSchema).nullable().optional(),
});
export type ApiErrorData = z.infer<typeof apiErrorDataSchema>;

/** The error data of a tRPC failure, or an empty one when the server sent something else (a proxy's page). */
export function readApiErrorData(data: unknown): ApiErrorData {
  const parsed = apiErrorDataSchema.safeParse(data);
  return parsed.success ? parsed.data : {};
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookie } from "cookie";
import { resolvePrincipal } from "../auth/principal";
import type { AppSpecError } from "../contracts/appspec";
import { hasRole, type BundleType } from "../contracts/resources";
import { revisionUploadQuerySchema, type RevisionUploadError } from "../contracts/revision";
import type { Deps } from "../deps";
import { bundleTooLarge } from "../bundles/bundle-store";
import { uploadRevision } from "../bundles/upload-revision";
import { DomainError, type DomainErrorKind } from "../domain-errors";
import { classifyStorageFailure, isOutOfSpace, readFreeBytes } from "../storage/storage-health";
import { clientAddress } from "./client-address";
import { armRequestDeadline, UPLOAD_TIMEOUT_MS } from "./request-deadline";
import { isSameOriginRequest } from "./same-origin";

const httpStatuses: Record<DomainErrorKind, number> = {
  INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** Space an upload must leave free, so the database can still take log lines and results. */
const RESERVED_BYTES = 8 * 1024 * 1024;

function notEnoughSpace(bytes: number | null, free: number | null): string {
  const wanted = bytes === null ? "this bundle" : `a bundle of ${bytes} bytes`;
  const left = free === null ? "" : ` (${Math.max(free, 0)} bytes free, ${RESERVED_BYTES} kept in reserve)`;
  return `not enough space: the server cannot store ${wanted}; its data directory is nearly full${left}. Free space on the server and upload again`;
}

/** Content types an upload may declare; octet-stream (or none) claims no particular archive type. */
const claimedTypes: Record<string, BundleType | null> = {
  "application/zip": "zip",
  "application/x-zip-compressed": "zip",
  "application/x-tar": "tar",
  "application/gzip": "tgz",
  "application/x-gzip": "tgz",
  "application/x-compressed-tar": "tgz",
  "application/octet-stream": null,
};

/** Answers `{ error, errors }`; closes the connection when the request body was not read, so it is not drained. */
export function sendJsonError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  errors: AppSpecError[] = [],
  headers: Record<string, string> = {},
): void {
  const body: RevisionUploadError = { error, errors };
  if (!req.readableEnded) headers.connection = "close";
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }).end(JSON.stringify(body));
}

export function httpStatusOf(err: DomainError): number {
  return httpStatuses[err.kind];
}

/** POST /api/revisions?application=NAME[&description=...][&bundleType=zip|tar|tgz]: streams a bundle in, validates it, stores it content-addressed. */
export async function handleRevisionUpload(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") return sendJsonError(req, res, 405, "use POST with the archive as the request body", [], { allow: "POST" });
  const principal = resolvePrincipal(deps.db, req.headers, deps.now(), parseCookie);
  if (!principal) return sendJsonError(req, res, 401, "sign in or send Authorization: Bearer <API token>", [], { "www-authenticate": "Bearer" });
  if (!hasRole(principal.role, "deployer")) return sendJsonError(req, res, 403, `uploading a revision needs the deployer role; you are ${principal.role}`);
  // A bundle is no form a cross-site page can forge, but a browser session must still come from Landline's own pages.
  if (principal.via === "session" && !isSameOriginRequest(deps.env, req.headers)) {
    return sendJsonError(req, res, 403, "cross-site uploads are refused: a session upload must carry an Origin header of Landline's own address");
  }
  armRequestDeadline(req, res, UPLOAD_TIMEOUT_MS);

  const url = new URL(req.url ?? "/", "http://localhost");
  const query = revisionUploadQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) {
    const errors = query.error.issues.map((i) => {
      const field = i.path.join(".");
      return { file: "", line: null, column: null, field, message: url.searchParams.has(field) ? i.message : "is required" };
    });
    return sendJsonError(req, res, 400, `invalid query: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, errors);
  }
  const contentType = (req.headers["content-type"] ?? "application/octet-stream").split(";")[0].trim().toLowerCase();
  if (!(contentType in claimedTypes)) {
    return sendJsonError(
      req,
      res,
      415,
      `Content-Type ${contentType} is not an archive; send the raw archive as application/zip, application/x-tar, application/gzip or application/octet-stream`,
    );
  }
  const fromHeader = claimedTypes[contentType];
  const fromQuery = query.data.bundleType ?? null;
  if (fromHeader && fromQuery && fromHeader !== fromQuery) {
    return sendJsonError(req, res, 400, `bundleType=${fromQuery} contradicts Content-Type ${contentType}`);
  }
  const declaredLength = Number(req.headers["content-length"]);
  if (Number.isFinite(declaredLength) && declaredLength > deps.env.LANDLINE_MAX_BUNDLE_BYTES) {
    return sendJsonError(req, res, 413, bundleTooLarge(deps.env.LANDLINE_MAX_BUNDLE_BYTES).message);
  }
  const free = await readFreeBytes(deps.env.dataDir);
  if (free !== null && (Number.isFinite(declaredLength) ? declaredLength : 0) + RESERVED_BYTES > free) {
    return sendJsonError(req, res, 507, notEnoughSpace(Number.isFinite(declaredLength) ? declaredLength : null, free));
  }

  try {
    const { result, created } = await uploadRevision(
      deps,
      { principal, ip: clientAddress(deps.env, req) },
      { applicationName: query.data.application, description: query.data.description, claimedType: fromQuery ?? fromHeader },
      req,
    );
    res.writeHead(created ? 201 : 200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(result));
  } catch (err) {
    if (err instanceof DomainError) {
      const errors = Array.isArray(err.details?.errors) ? (err.details.errors as AppSpecError[]) : [];
      return sendJsonError(req, res, httpStatusOf(err), err.message, errors);
    }
    const storageFailure = classifyStorageFailure(err);
    if (storageFailure) {
      deps.services.storageHealth.recordFailure(err);
      if (isOutOfSpace(storageFailure))
        return sendJsonError(req, res, 507, notEnoughSpace(Number.isFinite(declaredLength) ? declaredLength : null, await readFreeBytes(deps.env.dataDir)));
      return sendJsonError(req, res, 503, `the server cannot store data: writing to its data directory failed (${storageFailure})`);
    }
    // The client went away mid-upload; there is nobody to answer.
    if (req.errored || req.socket.destroyed) return;
    throw err;
  }
}

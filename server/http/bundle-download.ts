import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookie } from "cookie";
import { resolveHostCredential } from "../auth/host-credentials";
import { resolvePrincipal } from "../auth/principal";
import { hasRole, type BundleType } from "../contracts/resources";
import { bundleContentTypes } from "../contracts/revision";
import type { Deps } from "../deps";
import { bundlePath, isSha256Hex } from "../bundles/bundle-store";
import { findHostBundle, findRevisionBundle } from "../bundles/revision-records";
import { sendJsonError } from "./revision-upload";
import { sendFileRange } from "./send-file-range";

/** A single byte range of a file of known size, per RFC 9110 §14. */
export type ByteRange = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/**
 * Reads a Range header for a file of `size` bytes. Only one range is served; a header that is malformed
 * or asks for several ranges is ignored (the whole file is sent), as RFC 9110 allows.
 */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return { kind: "full" };
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "full" };
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (!Number.isSafeInteger(suffix)) return { kind: "full" };
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === "" ? Number.MAX_SAFE_INTEGER : Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last) || last < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: Math.min(last, size - 1) };
}

const extensions: Record<BundleType, string> = { zip: "zip", tar: "tar", tgz: "tgz" };

/**
 * GET|HEAD /api/agent/bundles/:sha256 (host credential; only bundles of deployments that target the host)
 * and /api/revisions/:revisionId/bundle (viewer or above): Range-capable download streamed from disk.
 */
export async function handleBundleDownload(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return sendJsonError(req, res, 405, "use GET or HEAD", [], { allow: "GET, HEAD" });
  const pathname = new URL(req.url ?? "/", "http://localhost").pathname;

  const agentMatch = /^\/api\/agent\/bundles\/([^/]+)$/.exec(pathname);
  if (agentMatch) {
    const credential = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const host = credential ? resolveHostCredential(deps.db, credential) : null;
    if (!host) return sendJsonError(req, res, 401, "send the host credential as Authorization: Bearer <hostId>.<secret>", [], { "www-authenticate": "Bearer" });
    const sha256 = agentMatch[1].toLowerCase();
    // Same answer for "no such bundle" and "not yours", so a host learns nothing about other hosts' work.
    const bundle = isSha256Hex(sha256) ? findHostBundle(deps.db, host.hostId, sha256) : null;
    if (!bundle) return sendJsonError(req, res, 404, "no deployment for this host uses that bundle");
    return sendBundle(deps, req, res, { sha256, bundleType: bundle.bundleType, filename: null });
  }

  const userMatch = /^\/api\/revisions\/([^/]+)\/bundle$/.exec(pathname);
  if (!userMatch) return sendJsonError(req, res, 404, "not found");
  const principal = resolvePrincipal(deps.db, req.headers, deps.now(), parseCookie);
  if (!principal) return sendJsonError(req, res, 401, "sign in or send Authorization: Bearer <API token>", [], { "www-authenticate": "Bearer" });
  if (!hasRole(principal.role, "viewer")) return sendJsonError(req, res, 403, "downloading a bundle needs the viewer role");
  const revisionId = decodePathSegment(userMatch[1]);
  const bundle = revisionId === null ? null : findRevisionBundle(deps.db, revisionId);
  if (!bundle) return sendJsonError(req, res, 404, `revision ${revisionId} does not exist`);
  const filename = `${bundle.applicationName}-${revisionId}.${extensions[bundle.bundleType]}`;
  return sendBundle(deps, req, res, { sha256: bundle.sha256, bundleType: bundle.bundleType, filename });
}

async function sendBundle(
  deps: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  bundle: { sha256: string; bundleType: BundleType; filename: string | null },
): Promise<void> {
  const file = bundlePath(deps.env.bundleDir, bundle.sha256);
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch {
    console.error(`bundle ${bundle.sha256} is recorded but missing from ${deps.env.bundleDir}`);
    return sendJsonError(req, res, 404, "the bundle file is missing from the server's bundle store");
  }
  const etag = `"${bundle.sha256}"`;
  const headers: Record<string, string | number> = {
    "accept-ranges": "bytes",
    etag,
    "content-type": bundleContentTypes[bundle.bundleType],
    "cache-control": "private, no-cache",
  };
  if (bundle.filename) headers["content-disposition"] = `attachment; filename="${bundle.filename.replace(/["\\]/g, "_")}"`;

  if (matchesEtag(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const ifRange = req.headers["if-range"];
  const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : ({ kind: "full" } as const);
  if (range.kind === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${size}`, "content-length": 0 }).end();
    return;
  }
  const start = range.kind === "partial" ? range.start : 0;
  const end = range.kind === "partial" ? range.end : size - 1;
  if (range.kind === "partial") headers["content-range"] = `bytes ${start}-${end}/${size}`;
  headers["content-length"] = end - start + 1;
  res.writeHead(range.kind === "partial" ? 206 : 200, headers);
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  try {
    await sendFileRange(file, start, end, res);
  } catch {
    // The client went away, or the file was cut short: end the connection so the client sees an incomplete body.
    res.destroy();
  }
}

function decodePathSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

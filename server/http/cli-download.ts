import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { parse as parseCookie } from "cookie";
import { resolvePrincipal } from "../auth/principal";
import type { Deps } from "../deps";
import { createProgramDownload, REPO_ROOT } from "./program-bundle";

const sendCli = createProgramDownload(path.join(REPO_ROOT, "cli", "main.ts"), path.join(REPO_ROOT, "dist", "landline.mjs"), "landline.mjs");

/**
 * GET /api/cli/download: the standalone `landline` CLI as one ESM file (dist/landline.mjs).
 * Needs a signed-in user or an API token of any role.
 */
export async function handleCliDownload(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method not allowed\n");
    return;
  }
  if (!resolvePrincipal(deps.db, req.headers, deps.now(), parseCookie)) {
    res.writeHead(401, { "www-authenticate": "Bearer", "content-type": "text/plain" }).end("Sign in or send Authorization: Bearer <API token>\n");
    return;
  }
  await sendCli(req, res);
}

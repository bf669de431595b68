import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { parse as parseCookie } from "cookie";
import { resolveHostCredential } from "../auth/host-credentials";
import { isEnrollmentTokenUsable } from "../auth/enrollment-tokens";
import { resolvePrincipal } from "../auth/principal";
import type { Deps } from "../deps";
import { createProgramDownload, REPO_ROOT } from "./program-bundle";

const sendAgent = createProgramDownload(path.join(REPO_ROOT, "agent", "main.ts"), path.join(REPO_ROOT, "dist", "landline-agent.mjs"), "landline-agent.mjs");

/**
 * GET /api/agent/download: the standalone agent as one ESM file. A new host authenticates with the
 * enrollment token it is about to use (not consumed here), an enrolled host with its credential,
 * a person with a session or API token.
 */
export async function handleAgentDownload(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method not allowed\n");
    return;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const allowed =
    (bearer !== undefined && (isEnrollmentTokenUsable(deps.db, bearer, deps.now()) || resolveHostCredential(deps.db, bearer) !== null)) ||
    resolvePrincipal(deps.db, req.headers, deps.now(), parseCookie) !== null;
  if (!allowed) {
    res
      .writeHead(401, { "www-authenticate": "Bearer", "content-type": "text/plain" })
      .end("Send Authorization: Bearer <enrollment token>, a host credential or an API token\n");
    return;
  }
  await sendAgent(req, res);
}

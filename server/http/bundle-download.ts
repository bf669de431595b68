import type { IncomingMessage, ServerResponse } from "node:http";
import type { Deps } from "../deps";

/** GET /api/agent/bundles/:sha256 (host credential) and /api/revisions/:id/bundle (user): Range-capable download. */
export async function handleBundleDownload(_deps: Deps, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(501).end();
}

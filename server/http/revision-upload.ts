import type { IncomingMessage, ServerResponse } from "node:http";
import type { Deps } from "../deps";

/** POST /api/revisions?application=NAME: streams a bundle in, validates it, stores it content-addressed. */
export async function handleRevisionUpload(_deps: Deps, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(501).end();
}

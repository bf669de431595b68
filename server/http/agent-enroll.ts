import type { IncomingMessage, ServerResponse } from "node:http";
import type { Deps } from "../deps";

/** POST /api/agent/enroll: exchanges an enrollment token for a host credential. */
export async function handleAgentEnroll(_deps: Deps, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.writeHead(501).end();
}

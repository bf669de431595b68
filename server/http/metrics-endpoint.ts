import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { resolveTokenPrincipal } from "../auth/principal";
import type { Deps } from "../deps";

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the token's length.
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * GET /metrics: Prometheus text format. Bearer LANDLINE_METRICS_TOKEN when it is set;
 * otherwise an admin API token. 401 without or with a wrong token, 403 for a non-admin token.
 */
export async function handleMetrics(deps: Deps, registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method not allowed\n");
    return;
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const token = match?.[1];
  const unauthorized = () =>
    res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" }).end("Send Authorization: Bearer <metrics token>\n");
  if (!token) return void unauthorized();
  const expected = deps.env.LANDLINE_METRICS_TOKEN;
  if (expected !== undefined) {
    if (!sameSecret(token, expected)) return void unauthorized();
  } else {
    const principal = resolveTokenPrincipal(deps.db, token, deps.now());
    if (!principal) return void unauthorized();
    if (principal.role !== "admin") {
      res.writeHead(403, { "content-type": "text/plain" }).end("Metrics need an admin API token (or set LANDLINE_METRICS_TOKEN)\n");
      return;
    }
  }
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
}

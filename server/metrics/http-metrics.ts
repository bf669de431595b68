import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics";

const knownMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Maps a request URL to a route pattern so label values stay a small, fixed set. */
export function labelHttpRoute(url: string): string {
  const path = url.split("?")[0];
  if (path.startsWith("/api/trpc/")) return "/api/trpc";
  if (path.startsWith("/api/agent/bundles/")) return "/api/agent/bundles/:sha256";
  if (/^\/api\/revisions\/[^/]+\/bundle/.test(path)) return "/api/revisions/:id/bundle";
  if (path.startsWith("/socket.io/")) return "/socket.io";
  if (path.startsWith("/_next/")) return "/_next";
  const fixed = ["/api/agent/enroll", "/api/revisions", "/api/cli/download", "/metrics", "/healthz"];
  if (fixed.includes(path)) return path;
  if (path.startsWith("/api/")) return "/api/other";
  return "page";
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps a request listener to count requests and time them until the response finishes (or the client goes away). */
export function instrumentRequests(metrics: Metrics, listener: Listener): Listener {
  return (req, res) => {
    const started = process.hrtime.bigint();
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = knownMethods.has(req.method ?? "") ? req.method! : "other";
      metrics.httpRequestFinished(method, labelHttpRoute(req.url ?? "/"), res.statusCode, seconds);
    });
    listener(req, res);
  };
}

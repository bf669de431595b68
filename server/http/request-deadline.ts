import type { IncomingMessage, ServerResponse } from "node:http";

/** How long an authenticated bundle upload may take to arrive: a 2 GB bundle on a slow link. */
export const UPLOAD_TIMEOUT_MS = 60 * 60 * 1000;

const deadlines = new WeakMap<IncomingMessage, NodeJS.Timeout>();

/**
 * Ends the request with 408 and closes the connection unless its whole body has arrived within `ms`. A client
 * trickling a body byte by byte would otherwise hold a connection (and the memory behind it) for as long as it likes.
 */
export function armRequestDeadline(req: IncomingMessage, res: ServerResponse, ms: number): void {
  const previous = deadlines.get(req);
  if (previous) clearTimeout(previous);
  const timer = setTimeout(() => {
    deadlines.delete(req);
    if (req.complete) return;
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    res.once("finish", () => req.socket.destroy());
    res
      .writeHead(408, { "content-type": "application/json; charset=utf-8", connection: "close" })
      .end(JSON.stringify({ error: `The request body did not arrive within ${Math.round(ms / 1000)} seconds` }));
  }, ms);
  timer.unref();
  deadlines.set(req, timer);
  if (previous) return;
  res.once("close", () => {
    clearTimeout(deadlines.get(req));
    deadlines.delete(req);
  });
}

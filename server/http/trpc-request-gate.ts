import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { Env } from "../env";
import { BodyTooLargeError, closeAfterAnswer, MAX_JSON_BODY_BYTES, readRequestBody } from "./request-body";
import { crossSiteRefusal } from "./same-origin";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const httpStatuses = { FORBIDDEN: 403, PAYLOAD_TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415 } satisfies Partial<Record<TRPC_ERROR_CODE_KEY, number>>;

/** Answers in tRPC's error shape, so the typed clients show `message`; closes the connection when the body was not read. */
function refuse(req: IncomingMessage, res: ServerResponse, code: keyof typeof httpStatuses, message: string): void {
  const httpStatus = httpStatuses[code];
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
  if (!req.readableEnded) closeAfterAnswer(req, res);
  res.writeHead(httpStatus, headers).end(JSON.stringify({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus } } }));
}

/**
 * Stands in front of tRPC: a call with a body must be JSON of at most MAX_JSON_BODY_BYTES, and a cookie-authenticated
 * one must come from Landline's own pages (same-origin.ts). The body is read here, within the limit, and handed to
 * tRPC as a string, so tRPC never streams an unbounded body.
 */
export function guardTrpcRequests(env: Env, handler: Handler): Handler {
  return async (req, res) => {
    if (req.method === "GET" || req.method === "HEAD") return handler(req, res);
    const refusal = crossSiteRefusal(env, req.headers);
    if (refusal) return refuse(req, res, "FORBIDDEN", refusal);
    const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (contentType !== "application/json") {
      return refuse(req, res, "UNSUPPORTED_MEDIA_TYPE", `Send tRPC calls as Content-Type: application/json, not ${contentType || "no content type"}`);
    }
    let body: Buffer;
    try {
      body = await readRequestBody(req, MAX_JSON_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return refuse(req, res, "PAYLOAD_TOO_LARGE", err.message);
      // The client went away mid-body; there is nobody to answer.
      if (req.socket.destroyed) return;
      throw err;
    }
    // tRPC's node adapter takes a string req.body as the already-read body.
    (req as IncomingMessage & { body?: string }).body = body.toString("utf8");
    return handler(req, res);
  };
}

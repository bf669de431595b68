import type { IncomingMessage, ServerResponse } from "node:http";

/** The largest JSON request body any endpoint reads: tRPC calls and agent enrollment are a few KB. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** How long a refused body is still read (and thrown away) after the answer, so the client sees the answer. */
const LINGER_MS = 2_000;

/**
 * After the answer to a request whose body was not read, closes the connection gracefully: Node discards what
 * still arrives, the client gets the answer and then end-of-stream, and the socket is destroyed after LINGER_MS.
 * Destroying it at once would make the kernel reset the connection, and a client still sending would lose the
 * answer with the reset.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.once("finish", () => {
    req.socket.end();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  });
}

/** The body was larger than the limit; by Content-Length before anything was read, or while reading. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes; send at most ${limitBytes} bytes`);
  }
}

/** True when the declared Content-Length is already over `limitBytes`, so the body need not be read at all. */
export function isDeclaredTooLarge(req: IncomingMessage, limitBytes: number): boolean {
  const declared = Number(req.headers["content-length"]);
  return Number.isFinite(declared) && declared > limitBytes;
}

/**
 * Reads the whole body, refusing (BodyTooLargeError) by Content-Length before reading and as soon as the bytes
 * read pass the limit; then it stops reading, so the caller answers and closes the connection.
 */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  if (isDeclaredTooLarge(req, limitBytes)) return Promise.reject(new BodyTooLargeError(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off("data", onData);
        req.pause();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
    req.once("close", () => {
      if (!req.complete) reject(new Error("The client closed the connection before sending the whole body"));
    });
  });
}

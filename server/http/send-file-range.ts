import fs from "node:fs";
import type { ServerResponse } from "node:http";

/** Bytes per read; two buffers of this size per download in progress. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Writes bytes start..end (inclusive) of a file to a response through two reused buffers: one is read into
 * while the other is being written, and a buffer is reused only once the socket has taken its bytes.
 * fs.createReadStream allocates a fresh buffer per chunk instead, and with a hundred agents fetching a large
 * bundle at once that garbage (gigabytes a second, held outside the JS heap) forced a full collection every
 * few dozen megabytes. Resolves when everything was handed to the socket; rejects if the client went away
 * or the file is shorter than promised.
 */
export async function sendFileRange(file: string, start: number, end: number, res: ServerResponse): Promise<void> {
  const handle = await fs.promises.open(file, "r");
  let closed = false;
  const onClose = () => (closed = true);
  res.once("close", onClose);
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    const written: (Promise<void> | null)[] = [null, null];
    let position = start;
    for (let turn = 0; position <= end; turn ^= 1) {
      // The previous write from this buffer must be done before it is filled again.
      await written[turn];
      if (closed || res.destroyed) throw new Error("the client closed the connection");
      const length = Math.min(CHUNK_BYTES, end - position + 1);
      const { bytesRead } = await handle.read(buffers[turn], 0, length, position);
      if (bytesRead === 0) throw new Error(`${file} ended at byte ${position}, before byte ${end}`);
      position += bytesRead;
      const chunk = buffers[turn].subarray(0, bytesRead);
      written[turn] = new Promise<void>((resolve, reject) => {
        res.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
      // Attach a handler now; the rejection is awaited (and thrown) when this buffer's turn comes again.
      written[turn]!.catch(() => {});
    }
    await Promise.all(written);
    res.end();
  } finally {
    res.off("close", onClose);
    await handle.close();
  }
}

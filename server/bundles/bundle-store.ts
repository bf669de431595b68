import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { once } from "node:events";
import { DomainError } from "../domain-errors";
import { BUNDLE_HEAD_BYTES } from "./detect-bundle-type";

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** Where a bundle lives: <bundleDir>/<first two hex digits>/<sha256>. */
export function bundlePath(bundleDir: string, sha256: string): string {
  if (!isSha256Hex(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return path.join(bundleDir, sha256.slice(0, 2), sha256);
}

/** Temporary files of uploads in progress; on the same file system as the bundles so a rename moves them. */
export function uploadTempDir(dataDir: string): string {
  return path.join(dataDir, "tmp");
}

/** Deletes temp files of uploads a previous process left behind; call once at startup, before serving. */
export async function removeStaleUploads(dataDir: string): Promise<void> {
  const dir = uploadTempDir(dataDir);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith("upload-") && n.endsWith(".part")).map((n) => removeQuietly(path.join(dir, n))));
}

export type ReceivedFile = {
  path: string;
  sha256: string;
  size: number;
  /** The first BUNDLE_HEAD_BYTES bytes (fewer for a shorter body). */
  head: Buffer;
};

export function bundleTooLarge(maxBytes: number): DomainError {
  return new DomainError("TOO_LARGE", `the bundle is larger than the limit of ${maxBytes} bytes (LANDLINE_MAX_BUNDLE_BYTES)`);
}

/**
 * Streams a body into a new temp file while hashing and counting it, never holding more than a chunk in
 * memory. Stops with TOO_LARGE once past maxBytes. On any failure the temp file is gone; the source is left
 * undestroyed so the caller can still answer on its connection.
 */
export async function receiveToTempFile(source: Readable, tmpDir: string, maxBytes: number): Promise<ReceivedFile> {
  await fs.promises.mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `upload-${randomUUID()}.part`);
  // flush: the content-addressed name is trusted forever, so the bytes must be on disk before the rename.
  const out = fs.createWriteStream(file, { flags: "wx", flush: true });
  const hash = createHash("sha256");
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  try {
    const outFailed = new Promise<never>((_, reject) => out.once("error", reject));
    outFailed.catch(() => {});
    for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw bundleTooLarge(maxBytes);
      hash.update(chunk);
      if (headLength < BUNDLE_HEAD_BYTES) {
        headChunks.push(chunk.subarray(0, BUNDLE_HEAD_BYTES - headLength));
        headLength += headChunks[headChunks.length - 1].length;
      }
      if (!out.write(chunk)) await Promise.race([once(out, "drain"), outFailed]);
    }
    if (!source.readableEnded) throw new DomainError("INVALID", "the upload was interrupted before the body ended");
    out.end();
    await Promise.race([once(out, "close"), outFailed]);
    return { path: file, sha256: hash.digest("hex"), size, head: Buffer.concat(headChunks) };
  } catch (err) {
    out.destroy();
    await removeQuietly(file);
    throw err;
  }
}

/**
 * Moves a verified temp file to its content-addressed place, or leaves it (for the caller to remove) when that
 * bundle is already stored. Synchronous on purpose: the caller writes the revision row in the same tick, so
 * removeUnreferencedBundles (synchronous too) never sees the file stored but not yet referenced.
 */
export function commitBundle(bundleDir: string, tempFile: string, sha256: string): { path: string; alreadyStored: boolean } {
  const target = bundlePath(bundleDir, sha256);
  if (fs.existsSync(target)) return { path: target, alreadyStored: true };
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Same content under the same name: a concurrent rename of the same bundle is harmless.
  fs.renameSync(tempFile, target);
  return { path: target, alreadyStored: false };
}

/**
 * Deletes the stored bundles among `sha256s` that no revision refers to any more (after an application was
 * deleted with its revisions). Synchronous, so no upload can commit one of them in between.
 */
export function removeUnreferencedBundles(bundleDir: string, sha256s: Iterable<string>, isReferenced: (sha256: string) => boolean): number {
  let removed = 0;
  for (const sha256 of new Set(sha256s)) {
    if (isReferenced(sha256)) continue;
    const file = bundlePath(bundleDir, sha256);
    if (!fs.existsSync(file)) continue;
    fs.rmSync(file, { force: true });
    removed++;
  }
  return removed;
}

export async function removeQuietly(file: string): Promise<void> {
  await fs.promises.rm(file, { force: true }).catch(() => {});
}

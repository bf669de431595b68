import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundlePath, commitBundle, receiveToTempFile, removeStaleUploads, removeUnreferencedBundles, uploadTempDir } from "./bundle-store";

let dataDir: string;
beforeEach(() => void (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-store-"))));
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const chunks = (n: number, size: number) => Readable.from(Array.from({ length: n }, (_, i) => Buffer.alloc(size, i)));

describe("bundle store", () => {
  it("receives a stream into a temp file with its sha256, size and first bytes", async () => {
    const received = await receiveToTempFile(chunks(4, 300), uploadTempDir(dataDir), 10_000);
    const bytes = fs.readFileSync(received.path);
    expect(received.size).toBe(1200);
    expect(received.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(received.head.equals(bytes.subarray(0, 512))).toBe(true);
  });

  it("stops past the limit and leaves no temp file", async () => {
    await expect(receiveToTempFile(chunks(4, 300), uploadTempDir(dataDir), 1000)).rejects.toMatchObject({ kind: "TOO_LARGE" });
    expect(fs.readdirSync(uploadTempDir(dataDir))).toEqual([]);
  });

  it("moves a bundle to <sha[0..2]>/<sha>, and leaves the temp file to its caller when it is already stored", async () => {
    const bundleDir = path.join(dataDir, "bundles");
    const first = await receiveToTempFile(chunks(1, 100), uploadTempDir(dataDir), 1000);
    const second = await receiveToTempFile(chunks(1, 100), uploadTempDir(dataDir), 1000);
    expect(commitBundle(bundleDir, first.path, first.sha256)).toEqual({ path: bundlePath(bundleDir, first.sha256), alreadyStored: false });
    expect(commitBundle(bundleDir, second.path, second.sha256)).toMatchObject({ alreadyStored: true });
    expect(bundlePath(bundleDir, first.sha256)).toBe(path.join(bundleDir, first.sha256.slice(0, 2), first.sha256));
    expect(fs.readdirSync(uploadTempDir(dataDir))).toEqual([path.basename(second.path)]);
  });

  it("removes only the bundles nothing refers to", async () => {
    const bundleDir = path.join(dataDir, "bundles");
    const kept = await receiveToTempFile(chunks(1, 100), uploadTempDir(dataDir), 1000);
    const orphan = await receiveToTempFile(chunks(2, 100), uploadTempDir(dataDir), 1000);
    commitBundle(bundleDir, kept.path, kept.sha256);
    commitBundle(bundleDir, orphan.path, orphan.sha256);
    const missing = "f".repeat(64);
    expect(removeUnreferencedBundles(bundleDir, [kept.sha256, orphan.sha256, orphan.sha256, missing], (sha) => sha === kept.sha256)).toBe(1);
    expect(fs.existsSync(bundlePath(bundleDir, kept.sha256))).toBe(true);
    expect(fs.existsSync(bundlePath(bundleDir, orphan.sha256))).toBe(false);
  });

  it("removes uploads a previous process left behind, and nothing else", async () => {
    const tmp = uploadTempDir(dataDir);
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, "upload-old.part"), "x");
    fs.writeFileSync(path.join(tmp, "other.txt"), "x");
    await removeStaleUploads(dataDir);
    expect(fs.readdirSync(tmp)).toEqual(["other.txt"]);
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLayout, ensureRootDirs, writeFileAtomic, type Layout } from "./layout";
import { downloadBundle, pruneBundleCache, removeOldRevisions } from "./revision";
import { startProtocolServer, type ProtocolServer } from "./test/protocol-server";

let tmp: string;
let layout: Layout;
let server: ProtocolServer;
let logs: string[];

beforeEach(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-revision-"));
  layout = createLayout(path.join(tmp, "agent"));
  ensureRootDirs(layout);
  server = await startProtocolServer({ dropFirstDownloadAfterBytes: 1000 });
  logs = [];
});
afterEach(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const download = (sha256: string, size: number) =>
  downloadBundle({
    serverUrl: server.url,
    credential: server.credential,
    sha256,
    size,
    bundlesDir: layout.bundlesDir,
    log: (t) => logs.push(t),
    retryDelayMs: 50,
  });

describe("downloadBundle", () => {
  it("resumes a dropped download with Range, verifies it and serves the next request from the cache", async () => {
    const body = Buffer.alloc(300_000, 7);
    const sha = server.addBundle(body);
    const file = await download(sha, body.length);
    expect(fs.readFileSync(file).equals(body)).toBe(true);
    expect(server.downloads.map((d) => d.range)).toEqual([null, "bytes=1000-"]);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    await download(sha, body.length);
    expect(server.downloads).toHaveLength(2);
    expect(logs.at(-1)).toMatch(/is already on this host/);
  });

  it("refuses a bundle whose sha256 does not match, keeping nothing", async () => {
    const claimed = "f".repeat(64);
    server.addBundle(Buffer.from("tampered bundle content"), claimed);
    await expect(download(claimed, 23)).rejects.toThrow(/does not match: expected 23 bytes with sha256 f{64}/);
    expect(fs.readdirSync(layout.bundlesDir)).toEqual([]);
  });

  it("fails without retrying when the server refuses the bundle", async () => {
    await expect(download("a".repeat(64), 10)).rejects.toThrow(/answered 404/);
    expect(server.downloads).toHaveLength(1);
  });
});

describe("removeOldRevisions", () => {
  function deployment(id: string, ageSeconds: number) {
    const dir = layout.deploymentDir("dg-1", id);
    fs.mkdirSync(path.join(dir, "deployment-archive"), { recursive: true });
    const at = new Date(Date.now() - ageSeconds * 1000);
    fs.utimesSync(dir, at, at);
    return dir;
  }

  it("keeps max revisions including the current one, oldest first out, never the last successful install", () => {
    const lastSuccessful = deployment("d-OLDEST0001", 600);
    for (const [id, age] of [
      ["d-OLD0000002", 500],
      ["d-OLD0000003", 400],
      ["d-OLD0000004", 300],
      ["d-NEWER00005", 200],
    ] as const)
      deployment(id, age);
    deployment("d-CURRENT006", 0);
    writeFileAtomic(layout.lastSuccessfulInstallFile("dg-1"), lastSuccessful);
    removeOldRevisions(layout, "dg-1", "d-CURRENT006", 3, () => {});
    expect(fs.readdirSync(layout.groupDir("dg-1")).sort()).toEqual(["d-CURRENT006", "d-NEWER00005", "d-OLDEST0001"]);
  });

  it("with max 1 keeps the current and the last successful install", () => {
    const lastSuccessful = deployment("d-PREVIOUS01", 100);
    deployment("d-OTHER00002", 50);
    deployment("d-CURRENT003", 0);
    writeFileAtomic(layout.lastSuccessfulInstallFile("dg-1"), lastSuccessful);
    removeOldRevisions(layout, "dg-1", "d-CURRENT003", 1, () => {});
    expect(fs.readdirSync(layout.groupDir("dg-1")).sort()).toEqual(["d-CURRENT003", "d-PREVIOUS01"]);
  });
});

describe("pruneBundleCache", () => {
  it("deletes cached bundles no kept deployment refers to", () => {
    const dir = layout.deploymentDir("dg-1", "d-KEPT00001");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "revision.json"),
      JSON.stringify({ deploymentId: "d-KEPT00001", deploymentGroupId: "dg-1", revisionId: "r", sha256: "1".repeat(64), bundleType: "zip" }),
    );
    for (const sha of ["1", "2", "3"].map((c) => c.repeat(64))) fs.writeFileSync(path.join(layout.bundlesDir, sha), "x");
    pruneBundleCache(layout, "3".repeat(64));
    expect(fs.readdirSync(layout.bundlesDir).sort()).toEqual(["1".repeat(64), "3".repeat(64)]);
  });
});

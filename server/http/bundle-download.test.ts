import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateHostCredential } from "../auth/host-credentials";
import { hashSecret } from "../auth/secrets";
import type { Deps } from "../deps";
import { bundlePath } from "../bundles/bundle-store";
import { uploadRevision } from "../bundles/upload-revision";
import { apiTokens, applications, deploymentGroups, deployments, deploymentTargets, hosts } from "../storage/schema";
import { archiveOf, validBundleEntries } from "../test/test-archives";
import { createTestDeps, insertTestUser } from "../test/test-context";
import { handleBundleDownload, parseRange } from "./bundle-download";

let deps: Deps & { cleanup: () => void };
let server: http.Server;
let baseUrl: string;
let viewerToken: string;
let bundle: Buffer;
let revisionId: string;
let sha256: string;
let targetedHost: string;
let otherHost: string;

function insertHost(name: string): string {
  const id = randomUUID();
  const { credential, credentialHash } = generateHostCredential(id);
  deps.db.insert(hosts).values({ id, name, tags: [], credentialHash }).run();
  return credential;
}

function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return fetch(`${baseUrl}${path}`, { method, headers });
}

beforeAll(async () => {
  deps = createTestDeps();
  server = http.createServer((req, res) => {
    handleBundleDownload(deps, req, res).catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const viewer = insertTestUser(deps, "viewer");
  viewerToken = `llt_test_${randomUUID()}`;
  deps.db
    .insert(apiTokens)
    .values({ id: randomUUID(), userId: viewer.userId, name: "t", tokenHash: hashSecret(viewerToken), prefix: "llt_test", role: "viewer" })
    .run();

  const applicationId = randomUUID();
  deps.db.insert(applications).values({ id: applicationId, name: "web" }).run();
  // Big enough that the ranges below land in entry data, not only in headers.
  bundle = await archiveOf("tar", [...validBundleEntries(), { name: "app/data.bin", body: Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251)) }]);
  const uploaded = await uploadRevision(
    deps,
    { principal: insertTestUser(deps, "deployer"), ip: null },
    { applicationName: "web", claimedType: null },
    Readable.from([bundle]),
  );
  ({ revisionId, sha256 } = uploaded.result);

  targetedHost = insertHost("web-1");
  otherHost = insertHost("web-2");
  const groupId = randomUUID();
  deps.db
    .insert(deploymentGroups)
    .values({ id: groupId, applicationId, name: "prod", tagSet: [], autoRollback: { enabled: false, events: [] } })
    .run();
  const deploymentId = "d-TEST00001";
  deps.db
    .insert(deployments)
    .values({
      id: deploymentId,
      applicationId,
      deploymentGroupId: groupId,
      revisionId,
      status: "InProgress",
      deploymentConfigName: "CodeDeployDefault.OneAtATime",
      fileExistsBehavior: "DISALLOW",
      autoRollback: { enabled: false, events: [] },
    })
    .run();
  const hostId = targetedHost.split(".")[0];
  deps.db.insert(deploymentTargets).values({ id: randomUUID(), deploymentId, hostId, hostName: "web-1", position: 0 }).run();
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  deps.cleanup();
});

describe("parseRange", () => {
  it.each([
    ["no header means the whole file", undefined, { kind: "full" }],
    ["a closed range", "bytes=10-19", { kind: "partial", start: 10, end: 19 }],
    ["an open range", "bytes=90-", { kind: "partial", start: 90, end: 99 }],
    ["a suffix range", "bytes=-5", { kind: "partial", start: 95, end: 99 }],
    ["a suffix longer than the file", "bytes=-500", { kind: "partial", start: 0, end: 99 }],
    ["an end past the file is clamped", "bytes=50-1000", { kind: "partial", start: 50, end: 99 }],
    ["a start past the end is unsatisfiable", "bytes=100-", { kind: "unsatisfiable" }],
    ["an empty suffix is unsatisfiable", "bytes=-0", { kind: "unsatisfiable" }],
    ["several ranges are ignored", "bytes=0-1,5-6", { kind: "full" }],
    ["a reversed range is ignored", "bytes=20-10", { kind: "full" }],
    ["another unit is ignored", "items=0-1", { kind: "full" }],
  ])("%s", (_name, header, expected) => expect(parseRange(header, 100)).toEqual(expected));
});

describe("GET /api/revisions/:revisionId/bundle", () => {
  const url = () => `/api/revisions/${revisionId}/bundle`;
  const auth = () => ({ authorization: `Bearer ${viewerToken}` });

  it("serves the whole bundle with its ETag, length and type", async () => {
    const res = await get(url(), auth());
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${sha256}"`);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-length")).toBe(String(bundle.length));
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="web-${revisionId}.tar"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bundle)).toBe(true);
  });

  it.each(["bytes=1000-1099", "bytes=-10", "bytes=2048-"])("answers %s with 206 and exactly those bytes", async (range) => {
    const size = bundle.length;
    const expected = parseRange(range, size);
    if (expected.kind !== "partial") throw new Error("test range must be satisfiable");
    const res = await get(url(), { ...auth(), range });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes ${expected.start}-${expected.end}/${size}`);
    expect(res.headers.get("content-length")).toBe(String(expected.end - expected.start + 1));
    expect(Buffer.from(await res.arrayBuffer()).equals(bundle.subarray(expected.start, expected.end + 1))).toBe(true);
  });

  it("answers 416 for a range past the end", async () => {
    const res = await get(url(), { ...auth(), range: `bytes=${bundle.length}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${bundle.length}`);
  });

  it("ignores the range when If-Range names another version", async () => {
    const res = await get(url(), { ...auth(), range: "bytes=0-9", "if-range": '"0000"' });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(bundle.length);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const res = await get(url(), { ...auth(), "if-none-match": `"${sha256}"` });
    expect(res.status).toBe(304);
  });

  it("answers HEAD with headers only", async () => {
    const res = await get(url(), auth(), "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(bundle.length));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it("needs a signed-in user or token", async () => {
    expect((await get(url())).status).toBe(401);
  });

  it("answers 404 for an unknown revision", async () => {
    expect((await get("/api/revisions/r-NOPE00000/bundle", auth())).status).toBe(404);
  });

  it("answers 404 when the stored file has gone missing", async () => {
    const file = bundlePath(deps.env.bundleDir, sha256);
    const kept = `${file}.kept`;
    fs.renameSync(file, kept);
    try {
      expect((await get(url(), auth())).status).toBe(404);
    } finally {
      fs.renameSync(kept, file);
    }
  });
});

describe("GET /api/agent/bundles/:sha256", () => {
  const url = () => `/api/agent/bundles/${sha256}`;

  it("refuses a request without a host credential with 401", async () => {
    expect((await get(url())).status).toBe(401);
  });

  it("refuses a user token with 401: agents' endpoint takes host credentials only", async () => {
    expect((await get(url(), { authorization: `Bearer ${viewerToken}` })).status).toBe(401);
  });

  it("refuses a wrong secret with 401", async () => {
    expect((await get(url(), { authorization: `Bearer ${targetedHost.split(".")[0]}.llh_wrong` })).status).toBe(401);
  });

  it("answers 404 to a host that no deployment with this bundle targets", async () => {
    expect((await get(url(), { authorization: `Bearer ${otherHost}` })).status).toBe(404);
  });

  it("serves the bundle to a targeted host, resumable with a Range", async () => {
    const full = await get(url(), { authorization: `Bearer ${targetedHost}` });
    expect(full.status).toBe(200);
    expect(Buffer.from(await full.arrayBuffer()).equals(bundle)).toBe(true);
    const rest = await get(url(), { authorization: `Bearer ${targetedHost}`, range: "bytes=512-" });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer()).equals(bundle.subarray(512))).toBe(true);
  });

  it("answers 404 for a sha256 the host has no deployment for", async () => {
    expect((await get(`/api/agent/bundles/${"0".repeat(64)}`, { authorization: `Bearer ${targetedHost}` })).status).toBe(404);
  });
});

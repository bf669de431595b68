import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../auth/principal";
import { hashSecret } from "../auth/secrets";
import type { Role } from "../contracts/resources";
import type { Deps } from "../deps";
import { apiTokens, applications, auditLog, revisions, sessions } from "../storage/schema";
import { archiveOf, testAppSpec, validBundleEntries, type TestEntry } from "../test/test-archives";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { bundlePath } from "../bundles/bundle-store";
import { handleRevisionUpload } from "./revision-upload";

const MAX_BYTES = 256 * 1024;
let deps: Deps & { cleanup: () => void };
let server: http.Server;
let baseUrl: string;
let deployerToken: string;
let viewerToken: string;

function tokenFor(role: Role): string {
  const user = insertTestUser(deps, role);
  const token = `llt_test_${randomUUID()}`;
  deps.db
    .insert(apiTokens)
    .values({ id: randomUUID(), userId: user.userId, name: "test", tokenHash: hashSecret(token), prefix: token.slice(0, 12), role })
    .run();
  return token;
}

function sessionCookieFor(role: Role): string {
  const user = insertTestUser(deps, role);
  const secret = `lls_test_${randomUUID()}`;
  deps.db
    .insert(sessions)
    .values({ idHash: hashSecret(secret), userId: user.userId, expiresAt: Date.now() + 3_600_000 })
    .run();
  return `${SESSION_COOKIE}=${secret}`;
}

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Record<string, unknown> & { errors?: Record<string, unknown>[] } };

/** POSTs with node:http so the test controls Content-Length and chunking; tolerates the server closing mid-body. */
function post(query: string, body: Buffer, headers: Record<string, string> = {}, options: { chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/api/revisions${query}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...(options.chunked ? {} : { "content-length": String(body.length) }), ...headers },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") }));
    });
    req.on("error", (err) => (req.destroyed && (err as NodeJS.ErrnoException).code === "EPIPE" ? undefined : reject(err)));
    if (options.chunked) {
      for (let at = 0; at < body.length; at += 16 * 1024) req.write(body.subarray(at, at + 16 * 1024));
      req.end();
    } else req.end(body);
  });
}

const upload = (body: Buffer, query = "?application=web", headers: Record<string, string> = {}) =>
  post(query, body, { authorization: `Bearer ${deployerToken}`, ...headers });

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

function expectNothingStored(): void {
  expect(filesUnder(deps.env.bundleDir)).toEqual([]);
  expect(filesUnder(path.join(deps.env.dataDir, "tmp"))).toEqual([]);
  expect(deps.db.select().from(revisions).all()).toEqual([]);
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  deps = createTestDeps({ LANDLINE_MAX_BUNDLE_BYTES: String(MAX_BYTES), LANDLINE_MAX_BUNDLE_ENTRIES: "40" });
  server = http.createServer((req, res) => {
    handleRevisionUpload(deps, req, res).catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deployerToken = tokenFor("deployer");
  viewerToken = tokenFor("viewer");
  deps.db
    .insert(applications)
    .values([
      { id: randomUUID(), name: "web" },
      { id: randomUUID(), name: "api" },
    ])
    .run();
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  deps.cleanup();
});

afterEach(() => {
  deps.db.delete(revisions).run();
  fs.rmSync(deps.env.bundleDir, { recursive: true, force: true });
});

const withAppSpec = (appSpec: string, extra: TestEntry[] = []): TestEntry[] => [
  ...validBundleEntries().map((e) => (e.name === "appspec.yml" ? { ...e, body: appSpec } : e)),
  ...extra,
];

describe("refused bundles leave nothing stored", () => {
  it.each<[string, () => Promise<Buffer>, Record<string, string>, { error: RegExp; first?: Record<string, unknown> }]>([
    ["a bundle without an appspec", () => archiveOf("zip", validBundleEntries().slice(1)), {}, { error: /no appspec\.yml/, first: { file: "appspec.yml" } }],
    [
      "malformed YAML, reported with its line",
      () => archiveOf("zip", withAppSpec("version: 0.0\nos: linux\nhooks:\n\tApplicationStart: []\n")),
      {},
      { error: /appspec\.yml:4/, first: { file: "appspec.yml", line: 4, column: 1 } },
    ],
    [
      "an unknown hook name",
      () => archiveOf("tgz", withAppSpec(testAppSpec({ AfterDeploy: "scripts/start.sh" }))),
      {},
      { error: /unknown lifecycle event/, first: { file: "appspec.yml", line: 7, field: "hooks.AfterDeploy" } },
    ],
    [
      "a reserved hook name",
      () => archiveOf("tar", withAppSpec(testAppSpec({ Install: "scripts/start.sh" }))),
      {},
      { error: /reserved/, first: { line: 7, field: "hooks.Install" } },
    ],
    [
      "a files source that is not in the bundle",
      () => archiveOf("zip", withAppSpec(testAppSpec(undefined, "dist"))),
      {},
      { error: /dist is not in the bundle/, first: { file: "appspec.yml", line: 4, field: "files[0].source" } },
    ],
    [
      "a hook script that is not in the bundle",
      () => archiveOf("zip", withAppSpec(testAppSpec({ ApplicationStart: "scripts/run.sh" }))),
      {},
      {
        error: /scripts\/run\.sh is not in the bundle/,
        first: { line: 8, field: "hooks.ApplicationStart[0].location", message: expect.stringMatching(/Landline checks scripts at upload/) },
      },
    ],
    ["os: windows", () => archiveOf("zip", withAppSpec("version: 0.0\nos: windows\n")), {}, { error: /agents run Linux/, first: { line: 2, field: "os" } }],
    [
      "an absolute entry path",
      () => archiveOf("tar", [...validBundleEntries(), { name: "/etc/passwd", body: "x" }]),
      {},
      { error: /absolute/, first: { file: "/etc/passwd" } },
    ],
    [
      "a .. entry (zip-slip)",
      () => archiveOf("zip", [...validBundleEntries(), { name: "../evil.sh", body: "x" }]),
      {},
      { error: /\.\./, first: { file: "../evil.sh" } },
    ],
    [
      "a symlink escaping the bundle",
      () => archiveOf("tgz", [...validBundleEntries(), { name: "app/keys", type: "symlink", target: "../../root/.ssh" }]),
      {},
      { error: /outside the bundle root/, first: { file: "app/keys" } },
    ],
    [
      "a zip sent as a tgz",
      () => archiveOf("zip", validBundleEntries()),
      { "content-type": "application/gzip" },
      { error: /^the body is a zip archive, not a gzip-compressed tar archive \(tgz\)$/ },
    ],
    [
      "a tgz sent as a zip",
      () => archiveOf("tgz", validBundleEntries()),
      { "content-type": "application/zip" },
      { error: /^the body is a gzip stream, not a zip archive$/ },
    ],
    ["random bytes", async () => Buffer.from("MZ this is no archive at all ".repeat(40)), {}, { error: /^the body is not a zip, tar or tgz archive$/ }],
    ["a gzip stream that holds no tar", async () => gzipSync(Buffer.from("plain text ".repeat(100))), {}, { error: /no tar archive|damaged/ }],
    [
      "too many entries",
      () => archiveOf("zip", [...validBundleEntries(), ...Array.from({ length: 40 }, (_, i) => ({ name: `app/f${i}.txt`, body: "x" }))]),
      {},
      { error: /more than 40 entries/ },
    ],
    [
      "an archive bomb",
      () => archiveOf("tgz", [...validBundleEntries(), { name: "app/zeros", body: Buffer.alloc(4 * MAX_BYTES + 1) }]),
      {},
      { error: /archive bomb/ },
    ],
  ])("%s", async (_name, build, headers, expected) => {
    const reply = await upload(await build(), "?application=web", headers);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(expected.error);
    expect(Array.isArray(reply.body.errors)).toBe(true);
    if (expected.first) expect(reply.body.errors?.[0]).toMatchObject(expected.first);
    expectNothingStored();
  });

  it("answers 413 at once for a Content-Length above the limit", async () => {
    const reply = await upload(Buffer.alloc(MAX_BYTES + 1));
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatch(/LANDLINE_MAX_BUNDLE_BYTES/);
    expectNothingStored();
  });

  it("answers 413 once a chunked body passes the limit", async () => {
    const body = Buffer.concat([await archiveOf("zip", validBundleEntries()), Buffer.alloc(MAX_BYTES)]);
    const reply = await post("?application=web", body, { authorization: `Bearer ${deployerToken}` }, { chunked: true });
    expect(reply.status).toBe(413);
    expectNothingStored();
  });
});

describe("accepted bundles", () => {
  it.each(["zip", "tar", "tgz"] as const)("stores a %s content-addressed and records the revision", async (type) => {
    const bytes = await archiveOf(type, validBundleEntries());
    const reply = await upload(bytes, `?application=web&description=first%20cut&bundleType=${type}`);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ revisionId: expect.stringMatching(/^r-[A-Z0-9]{9}$/), sha256: sha256(bytes), bundleType: type, size: bytes.length });
    expect(fs.readFileSync(bundlePath(deps.env.bundleDir, sha256(bytes))).equals(bytes)).toBe(true);
    expect(filesUnder(path.join(deps.env.dataDir, "tmp"))).toEqual([]);
    const row = deps.db
      .select()
      .from(revisions)
      .where(eq(revisions.id, String(reply.body.revisionId)))
      .get();
    expect(row).toMatchObject({ description: "first cut", bundleType: type, size: bytes.length, bundleRoot: "", appSpecPath: "appspec.yml" });
    const audit = deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.resourceId, String(reply.body.revisionId)))
      .get();
    expect(audit).toMatchObject({ action: "revisions.upload", resourceType: "revision" });
  });

  it("stores the same bundle once: a second upload returns the existing revision", async () => {
    const bytes = await archiveOf("zip", validBundleEntries());
    const first = await upload(bytes);
    const second = await upload(bytes);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.revisionId).toBe(first.body.revisionId);
    expect(deps.db.select().from(revisions).all()).toHaveLength(1);
    expect(filesUnder(deps.env.bundleDir)).toHaveLength(1);
  });

  it("shares one stored file between two applications' revisions", async () => {
    const bytes = await archiveOf("tgz", validBundleEntries());
    const web = await upload(bytes, "?application=web");
    const api = await upload(bytes, "?application=api");
    expect([web.status, api.status]).toEqual([201, 201]);
    expect(api.body.revisionId).not.toBe(web.body.revisionId);
    expect(filesUnder(deps.env.bundleDir)).toHaveLength(1);
  });

  it("treats a single top-level directory holding the appspec as the bundle root", async () => {
    const bytes = await archiveOf("zip", [{ name: "web-1.2/", type: "directory" }, ...validBundleEntries("web-1.2/")]);
    const reply = await upload(bytes);
    expect(reply.status).toBe(201);
    const detail = await callerFor(deps, insertTestUser(deps, "viewer")).revisions.get({ revisionId: String(reply.body.revisionId) });
    expect(detail).toMatchObject({ bundleRoot: "web-1.2/", appSpecPath: "web-1.2/appspec.yml", hooks: ["ApplicationStart"] });
  });

  it("accepts a browser session from the same origin", async () => {
    const bytes = await archiveOf("zip", validBundleEntries());
    const reply = await post("?application=web", bytes, { cookie: sessionCookieFor("deployer"), origin: baseUrl, "content-type": "application/zip" });
    expect(reply.status).toBe(201);
  });
});

describe("who may upload", () => {
  it.each<[string, () => Record<string, string>, number, string, RegExp]>([
    ["anonymous callers get 401", () => ({}), 401, "web", /sign in/],
    ["a viewer token gets 403", () => ({ authorization: `Bearer ${viewerToken}` }), 403, "web", /deployer role/],
    ["a wrong token gets 401", () => ({ authorization: "Bearer llt_nope" }), 401, "web", /sign in/],
    ["a session from another site gets 403", () => ({ cookie: sessionCookieFor("admin"), origin: "https://evil.example" }), 403, "web", /cross-site/],
    ["an unknown application gets 404", () => ({ authorization: `Bearer ${deployerToken}` }), 404, "nope", /application nope does not exist/],
    ["a bad application name gets 400", () => ({ authorization: `Bearer ${deployerToken}` }), 400, "bad name!", /application: may contain only/],
    ["a missing application gets 400", () => ({ authorization: `Bearer ${deployerToken}` }), 400, "", /application: is required/],
  ])("%s", async (_name, headers, status, application, error) => {
    const query = application ? `?application=${encodeURIComponent(application)}` : "";
    const reply = await post(query, await archiveOf("zip", validBundleEntries()), headers());
    expect(reply.status).toBe(status);
    expect(reply.body.error).toMatch(error);
    expectNothingStored();
  });

  it("refuses a Content-Type that is no archive with 415", async () => {
    const reply = await upload(await archiveOf("zip", validBundleEntries()), "?application=web", { "content-type": "multipart/form-data; boundary=x" });
    expect(reply.status).toBe(415);
    expectNothingStored();
  });

  it("refuses a bundleType that contradicts the Content-Type", async () => {
    const reply = await upload(await archiveOf("zip", validBundleEntries()), "?application=web&bundleType=tar", { "content-type": "application/zip" });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/contradicts/);
  });
});

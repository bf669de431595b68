import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../auth/api-tokens";
import { findUserByEmail } from "../auth/users";
import { createLandlineClient } from "../client";
import { REVISION_UPLOAD_PATH } from "../contracts/revision";
import type { BundleType } from "../contracts/resources";
import { openDatabase } from "../storage/database";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../test/spawn-server";
import { BILLION_LAUGHS_APPSPEC } from "../test/hostile-archives";
import { archiveOf, bombBundle, claimMadeByMsDos, testAppSpec, validBundleEntries, zipBuffer } from "../test/test-archives";

let server: SpawnedServer;
let token: string;

type UploadReply = {
  status: number;
  body: { error?: string; errors?: { file: string; line: number | null; field: string; message: string }[]; revisionId?: string };
};

async function upload(bundle: Buffer, type: BundleType): Promise<UploadReply> {
  const res = await fetch(`${server.url}${REVISION_UPLOAD_PATH}?application=hostile&bundleType=${type}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: new Uint8Array(bundle),
  });
  return { status: res.status, body: (await res.json()) as UploadReply["body"] };
}

beforeAll(async () => {
  server = await spawnServer();
  const db = openDatabase(path.join(server.dataDir, "landline.db"));
  try {
    const admin = findUserByEmail(db, TEST_ADMIN.email)!;
    token = createApiToken(db, { userId: admin.id, role: admin.role }, { name: "hostile bundles" }, Date.now()).token;
  } finally {
    db.$client.close();
  }
  await createLandlineClient({ url: server.url, token }).applications.create.mutate({ applicationName: "hostile" });
});

afterAll(async () => {
  await server?.kill();
});

describe("hostile bundles sent to the real upload endpoint", () => {
  it("refuses a zip whose entries claim MS-DOS but carry symlink bits pointing outside the bundle", async () => {
    const zip = await zipBuffer([...validBundleEntries(), { name: "escape", type: "symlink", target: "../../../../etc/passwd" }]);
    const reply = await upload(claimMadeByMsDos(zip), "zip");
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toContainEqual(
      expect.objectContaining({ file: "escape", message: expect.stringMatching(/symlink points at \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd, outside/) }),
    );
  });

  it("refuses an MS-DOS zip whose links only escape together, as the kernel resolves them", async () => {
    const zip = await zipBuffer([...validBundleEntries(), { name: "here", type: "symlink", target: "." }, { name: "up", type: "symlink", target: "here/.." }]);
    const reply = await upload(claimMadeByMsDos(zip), "zip");
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toContainEqual(expect.objectContaining({ file: "up", message: expect.stringMatching(/outside the bundle root/) }));
  });

  it.each<BundleType>(["zip", "tgz"])("refuses a %s decompression bomb and names the entry", async (type) => {
    const bomb = await bombBundle(type, "assets/zeros.bin", 16 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const reply = await upload(bomb, type);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/assets\/zeros\.bin/);
    expect(reply.body.error).toMatch(/more than 200:1\); refused as a possible decompression bomb/);
  });

  it("answers a YAML alias bomb in appspec.yml with 400 naming file, line and field", async () => {
    const reply = await upload(await archiveOf("tgz", [{ name: "appspec.yml", body: BILLION_LAUGHS_APPSPEC }]), "tgz");
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({ file: "appspec.yml", line: 5, field: "hooks.b[0]", message: expect.stringMatching(/aliases .* too much/) }),
    ]);
  });

  it("still accepts an ordinary bundle after every hostile upload", async () => {
    const reply = await upload(await archiveOf("zip", [...validBundleEntries(), { name: "app/big.txt", body: testAppSpec().repeat(2000) }]), "zip");
    expect(reply.status).toBe(201);
    expect(reply.body.revisionId).toMatch(/^r-/);
  });
});

import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../auth/api-tokens";
import { findUserByEmail } from "../auth/users";
import { createLandlineClient } from "../client";
import { openDatabase } from "../storage/database";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../test/spawn-server";
import { compressResponses } from "./compress-responses";

/** GETs a URL asking for `encoding`; returns the encoding used and the decoded body. */
async function get(
  url: string,
  encoding: string,
  headers: Record<string, string> = {},
): Promise<{ encoding: string | undefined; body: string; wireBytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": encoding, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const used = res.headers["content-encoding"];
          const body = used === "br" ? zlib.brotliDecompressSync(raw) : used === "gzip" ? zlib.gunzipSync(raw) : raw;
          resolve({ encoding: used, body: body.toString("utf8"), wireBytes: raw.length });
        });
      })
      .on("error", reject);
  });
}

describe("compressResponses", () => {
  const json = JSON.stringify({ lines: Array.from({ length: 5000 }, (_, i) => ({ seq: i + 1, text: `line ${i + 1} of the build` })) });
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer(compressResponses((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(json)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ["br", "br"],
    ["gzip", "gzip"],
    ["identity", undefined],
  ])("answers Accept-Encoding %s with the same JSON", async (accept, expected) => {
    const res = await get(url, accept);
    expect(res.encoding).toBe(expected);
    expect(res.body).toBe(json);
    if (expected) expect(res.wireBytes).toBeLessThan(json.length / 5);
  });
});

describe("tRPC answers from the real server", () => {
  let server: SpawnedServer;
  let token: string;
  beforeAll(async () => {
    server = await spawnServer();
    const db = openDatabase(path.join(server.dataDir, "landline.db"));
    const admin = findUserByEmail(db, TEST_ADMIN.email)!;
    token = createApiToken(db, { userId: admin.id, role: admin.role }, { name: "compression" }, Date.now()).token;
    db.$client.close();
    const client = createLandlineClient({ url: server.url, token });
    for (let i = 0; i < 40; i++) await client.applications.create.mutate({ applicationName: `application-number-${i}` });
  });
  afterAll(() => server.kill());

  it("are compressed for a browser that accepts it", async () => {
    const url = `${server.url}/api/trpc/applications.list?input=${encodeURIComponent(JSON.stringify({}))}`;
    const compressed = await get(url, "gzip, deflate, br", { authorization: `Bearer ${token}` });
    const plain = await get(url, "identity", { authorization: `Bearer ${token}` });
    expect(compressed.encoding).toBe("br");
    expect(compressed.body).toBe(plain.body);
    expect(compressed.body).toContain("application-number-39");
    expect(compressed.wireBytes).toBeLessThan(plain.wireBytes / 3);
  });
});

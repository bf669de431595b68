import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnrollmentToken, revokeEnrollmentToken } from "../auth/enrollment-tokens";
import { createTestDeps } from "../test/test-context";
import { handleAgentDownload } from "./agent-download";

const deps = createTestDeps();
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => void handleAgentDownload(deps, req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/agent/download`;
});
afterAll(() => {
  server.close();
  deps.cleanup();
});

const newToken = () =>
  createEnrollmentToken(
    deps.db,
    { name: "t", expiresHours: 1, maxUses: 1, tags: [], allowHostTags: true, requireApproval: false, createdBy: null },
    Date.now(),
  );

describe("GET /api/agent/download", () => {
  it("refuses a caller without credentials", async () => {
    const res = await fetch(url);
    expect(res.status).toBe(401);
  });

  it("serves the standalone agent to a host holding a usable enrollment token, without using the token up", async () => {
    const { token, id } = newToken();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(body.split("\n")[1]).not.toMatch(/^#!/);
    expect(body).toContain("Landline agent");
    const again = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    revokeEnrollmentToken(deps.db, id, Date.now());
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});

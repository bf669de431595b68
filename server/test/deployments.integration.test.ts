import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../auth/api-tokens";
import { createEnrollmentToken } from "../auth/enrollment-tokens";
import { ENROLL_PATH, enrollResponseSchema } from "../contracts/agent-protocol";
import type { Deps } from "../deps";
import { loadEnv } from "../env";
import { openDatabase } from "../storage/database";
import { seedPredefinedConfigs } from "../storage/seed";
import { users } from "../storage/schema";
import type { AppRouter } from "../trpc/router";
import { seedDeploymentGroup, type SeededGroup } from "./deployment-fixtures";
import { waitFor } from "./wait-for";
import { ScriptedAgent, TEST_FACTS } from "./scripted-agent";
import { spawnServer, type SpawnedServer } from "./spawn-server";
import { waitForFinishedDeployment } from "./real-fleet";

/**
 * The real server process (spawnServer) with protocol-level scripted agents on real sockets, driven through
 * the typed tRPC client over HTTP with a bearer API token.
 */
let server: SpawnedServer;
let api: TRPCClient<AppRouter>;
let group: SeededGroup;
let enrollmentToken: string;
const agents: ScriptedAgent[] = [];
const credentials = new Map<string, string>();

function client(url: string, token: string): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })] });
}

function enroll(body: unknown): Promise<Response> {
  return fetch(`${server.url}${ENROLL_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function finished(deploymentId: string, timeoutMs = 20_000) {
  return waitForFinishedDeployment(api, deploymentId, timeoutMs, 100);
}

beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-deployments-"));
  const env = loadEnv({ LANDLINE_DATA_DIR: dataDir, NODE_ENV: "test" });
  const db = openDatabase(env.databasePath);
  seedPredefinedConfigs(db);
  const deps = { db, env, now: () => Date.now(), services: {} } as Deps;
  db.insert(users).values({ id: "u-admin", email: "ops@example.com", passwordHash: "!", role: "admin" }).run();
  const { token } = createApiToken(db, { userId: "u-admin", role: "admin" }, { name: "integration" }, Date.now());
  enrollmentToken = createEnrollmentToken(
    db,
    { expiresHours: 1, maxUses: null, tags: [{ key: "env", value: "prod" }], allowHostTags: true, requireApproval: false, createdBy: null },
    Date.now(),
  ).token;
  group = seedDeploymentGroup(deps, { hosts: 0 });
  db.$client.close();
  server = await spawnServer({ dataDir, env: { LANDLINE_AGENT_GRACE_SECONDS: "3" } });
  api = client(server.url, token);
}, 120_000);

afterAll(async () => {
  for (const a of agents) a.close();
  await server?.kill("SIGKILL");
});

describe("deployments against the real server", () => {
  it("enrolls hosts, refusing bad JSON, a bad token and a name already taken", async () => {
    expect((await enroll("{not json")).status).toBe(400);
    const missing = await enroll({ token: enrollmentToken, name: "web-1" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: "facts" });
    expect((await enroll({ token: "lle_wrong-token-value", name: "web-1", facts: TEST_FACTS })).status).toBe(401);
    for (const name of ["web-1", "web-2"]) {
      const res = await enroll({ token: enrollmentToken, name, tags: [{ key: "role", value: "api" }], facts: TEST_FACTS });
      expect(res.status).toBe(200);
      const body = enrollResponseSchema.parse(await res.json());
      expect(body.hostName).toBe(name);
      credentials.set(name, body.credential);
    }
    const taken = await enroll({ token: enrollmentToken, name: "web-1", facts: TEST_FACTS });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: "host name web-1 is taken; deregister it first" });
    for (const name of ["web-1", "web-2"]) agents.push(new ScriptedAgent(server.url, credentials.get(name)!));
    await Promise.all(agents.map((a) => a.ready()));
  });

  it("deploys a revision end to end and keeps every log line", async () => {
    for (const a of agents) a.behavior = (spec) => ({ status: "Succeeded", lines: [`${spec.lifecycleEvent} on ${spec.deploymentId}`] });
    const { deploymentId } = await api.deployments.create.mutate({
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      revisionId: group.revisionIds[0],
    });
    const info = await finished(deploymentId);
    expect(info).toMatchObject({ status: "Succeeded", createdBy: "ops@example.com", deploymentOverview: { Succeeded: 2 } });
    const logs = await api.deployments.logs.query({ deploymentId });
    expect(logs.complete).toBe(true);
    expect(logs.lines).toHaveLength(14);
    const list = await api.deployments.list.query({ applicationName: group.applicationName, limit: 10 });
    expect(list.items.map((d) => d.deploymentId)).toEqual([deploymentId]);
  });

  it("finishes an in-flight deployment after the server is killed and restarted, running no hook twice", async () => {
    const [a1, a2] = agents;
    a1.behavior = (spec) => ({ status: spec.lifecycleEvent === "BeforeInstall" ? "hold" : "Succeeded", lines: [`${spec.lifecycleEvent} before`] });
    a2.behavior = (spec) => ({ status: "Succeeded", lines: [`${spec.lifecycleEvent} on web-2`] });
    const { deploymentId } = await api.deployments.create.mutate({
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      revisionId: group.revisionIds[1],
    });
    await waitFor(() => a1.received.some((s) => s.deploymentId === deploymentId && s.lifecycleEvent === "BeforeInstall"), {
      timeoutMs: 10_000,
      what: "BeforeInstall on web-1",
    });
    const held = a1.received.find((s) => s.deploymentId === deploymentId && s.lifecycleEvent === "BeforeInstall")!.commandId;

    await server.kill("SIGKILL");
    const hellos = a1.helloAcks.length;
    server = await server.restart();
    await waitFor(() => a1.helloAcks.length > hellos, { timeoutMs: 15_000, what: "web-1 to say hello again" });
    a1.release(held, ["BeforeInstall finished after the restart"]);
    const info = await finished(deploymentId, 30_000);
    expect(info.status).toBe("Succeeded");
    for (const a of agents) expect(new Set(a.executed).size).toBe(a.executed.length);
    const ran = agents.flatMap((a) => a.executed).filter((id) => id.includes(".")).length;
    expect(ran).toBeGreaterThanOrEqual(14 + 14);
    const logs = await api.deployments.logs.query({ deploymentId, limit: 5000 });
    expect(logs.complete).toBe(true);
    expect(logs.lines.map((l) => l.text)).toContain("BeforeInstall finished after the restart");
    expect(logs.lines).toHaveLength(15);
  }, 60_000);

  it("fails a target whose agent disappears mid-hook within the grace period", async () => {
    const [a1] = agents;
    a1.behavior = (spec) => ({ status: spec.lifecycleEvent === "AfterInstall" ? "hold" : "Succeeded" });
    const { deploymentId } = await api.deployments.create.mutate({
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      revisionId: group.revisionIds[0],
    });
    await waitFor(() => a1.received.some((s) => s.deploymentId === deploymentId && s.lifecycleEvent === "AfterInstall"), {
      timeoutMs: 10_000,
      what: "AfterInstall on web-1",
    });
    a1.close();
    const lostAt = Date.now();
    const info = await finished(deploymentId, 15_000);
    expect(Date.now() - lostAt).toBeLessThan(8_000);
    expect(info).toMatchObject({ status: "Failed", errorInformation: { code: "AGENT_ISSUE" } });
    const targets = await api.deployments.listTargets.query({ deploymentId });
    const lost = targets.find((t) => t.status === "Failed")!;
    expect(lost).toMatchObject({ hostName: "web-1", failedEvent: "AfterInstall", online: false });
    const detail = await api.deployments.getTarget.query({ targetId: lost.targetId });
    expect(detail.lifecycleEvents.find((e) => e.lifecycleEventName === "AfterInstall")?.diagnostics?.message).toMatch(
      /^The agent on web-1 lost its connection at \d\d:\d\d:\d\dZ and did not return within 3 s$/,
    );
  }, 30_000);
});

import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnAgent, type SpawnedAgent } from "../test/spawn-agent";
import { startRealFleet, type FleetGroup, type RealFleet } from "../test/real-fleet";
import { zipBuffer } from "../test/test-archives";

/** The real server and real agent processes: what an enrollment token lets a host become. */
let fleet: RealFleet;
let prod: FleetGroup;
let revisionId: string;
const agents: SpawnedAgent[] = [];

async function startAgent(name: string, enrollToken: string, tags: { key: string; value: string }[] = [], waitForConnection = true) {
  const agent = await spawnAgent({ serverUrl: fleet.server.url, enrollToken, name, tags, enrollVia: "stdin", waitForConnection, timeoutMs: 60_000 });
  agents.push(agent);
  return agent;
}

async function hostNamed(name: string) {
  return (await fleet.api.hosts.list.query()).find((h) => h.hostName === name);
}

async function matchingHosts(group: FleetGroup) {
  const info = await fleet.api.deploymentGroups.get.query(group);
  const preview = await fleet.api.deploymentGroups.previewHosts.query({ onPremisesTagSet: info.onPremisesTagSet });
  return { count: info.matchingHostCount, names: preview.map((h) => h.hostName) };
}

beforeAll(async () => {
  fleet = await startRealFleet({ hosts: [] });
  prod = await fleet.createGroup();
  const installDir = fs.mkdtempSync("/tmp/landline-enroll-install-");
  const appspec = `version: 0.0\nos: linux\nfiles:\n  - source: index.html\n    destination: ${installDir}\nhooks:\n  ValidateService:\n    - location: check.sh\n`;
  revisionId = await fleet.uploadRevision(
    prod.applicationName,
    await zipBuffer([
      { name: "appspec.yml", body: appspec },
      { name: "index.html", body: "<h1>ok</h1>\n" },
      { name: "check.sh", body: "#!/bin/sh\necho checked on $LANDLINE_HOST_NAME\n" },
    ]),
  );
}, 120_000);

afterAll(async () => {
  for (const agent of agents) await agent.kill("SIGKILL");
  await fleet?.close();
});

describe("enrollment tokens bind a host's tags", () => {
  it("refuses an agent that asks for another environment than its token's, without using the token up", async () => {
    const created = await fleet.api.enrollmentTokens.create.mutate({ name: "staging fleet", tags: [{ key: "env", value: "staging" }], maxUses: 1 });
    expect(created).toMatchObject({ allowHostTags: false, requireApproval: false });
    const intruder = await startAgent("intruder-1", created.token, [{ key: "env", value: "prod" }], false);
    await new Promise<void>((resolve) => (intruder.process.exitCode !== null ? resolve() : intruder.process.once("exit", () => resolve())));
    expect(intruder.process.exitCode).toBe(1);
    expect(intruder.output()).toContain("this enrollment token sets env=staging; the host cannot change it to env=prod");
    expect(await hostNamed("intruder-1")).toBeUndefined();
    expect((await matchingHosts(prod)).count).toBe(0);

    // The refused attempt did not spend the single use: the same token still enrolls a host, with its own tags.
    await startAgent("staging-1", created.token);
    expect(await hostNamed("staging-1")).toMatchObject({ tags: [{ key: "env", value: "staging" }], approval: "approved" });
    expect((await matchingHosts(prod)).count).toBe(0);
    const audit = await fleet.api.auditLog.list.query({ action: "hosts.enroll" });
    expect(audit.items[0]).toMatchObject({ details: { name: "staging-1", tags: [{ key: "env", value: "staging" }] } });
  });

  it("lets a token that allows host tags add keys of the host's own, never change its fixed ones", async () => {
    const created = await fleet.api.enrollmentTokens.create.mutate({ tags: [{ key: "env", value: "staging" }], allowHostTags: true, maxUses: 2 });
    const refused = await startAgent("staging-2", created.token, [{ key: "env", value: "prod" }], false);
    await new Promise<void>((resolve) => (refused.process.exitCode !== null ? resolve() : refused.process.once("exit", () => resolve())));
    expect(refused.output()).toContain("cannot change it to env=prod");
    await startAgent("staging-3", created.token, [{ key: "role", value: "web" }]);
    expect((await hostNamed("staging-3"))?.tags).toEqual([
      { key: "env", value: "staging" },
      { key: "role", value: "web" },
    ]);
  });
});

describe("host approval", () => {
  it("keeps a pending host out of every deployment until an admin approves it, and a rejected one out for good", async () => {
    const created = await fleet.api.enrollmentTokens.create.mutate({
      name: "prod, approved by hand",
      tags: [{ key: "env", value: "prod" }],
      maxUses: 2,
      requireApproval: true,
    });
    expect(created.requireApproval).toBe(true);
    const first = await startAgent("prod-1", created.token);
    expect(first.output()).toContain("prod-1 waits for an admin's approval");
    const second = await startAgent("prod-2", created.token);
    expect(await hostNamed("prod-1")).toMatchObject({ status: "Online", approval: "pending", tags: [{ key: "env", value: "prod" }] });
    expect(await matchingHosts(prod)).toEqual({ count: 0, names: [] });

    const untargeted = await fleet.waitForDeployment(await fleet.deploy(prod, revisionId));
    expect(await fleet.api.deployments.listTargets.query({ deploymentId: untargeted.deploymentId })).toEqual([]);
    expect(first.output()).not.toContain(untargeted.deploymentId);

    const approved = await fleet.api.hosts.approve.mutate({ hostName: "prod-1" });
    expect(approved.approval).toBe("approved");
    await expect(fleet.api.hosts.approve.mutate({ hostName: "prod-1" })).rejects.toThrow(/not waiting for approval/);
    const rejected = await fleet.api.hosts.reject.mutate({ hostName: "prod-2" });
    expect(rejected).toMatchObject({ approval: "rejected", status: "Deregistered" });
    await second.kill();
    const again = await spawnAgent({ serverUrl: fleet.server.url, name: "prod-2", rootDir: second.rootDir, waitForConnection: false });
    agents.push(again);
    await again.waitForOutput(/rejected this host's credential/, 30_000);
    expect(await matchingHosts(prod)).toEqual({ count: 1, names: ["prod-1"] });

    const deployed = await fleet.waitForDeployment(await fleet.deploy(prod, revisionId));
    expect(deployed).toMatchObject({ status: "Succeeded", deploymentOverview: { Succeeded: 1 } });
    expect((await fleet.api.deployments.listTargets.query({ deploymentId: deployed.deploymentId })).map((t) => t.hostName)).toEqual(["prod-1"]);

    const actions = (await fleet.api.auditLog.list.query({})).items.map((e) => [
      e.action,
      (e.details as { hostName?: string; name?: string } | null)?.hostName ?? (e.details as { name?: string } | null)?.name,
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ["hosts.approve", "prod-1"],
        ["hosts.reject", "prod-2"],
        ["hosts.enroll", "prod-1"],
      ]),
    );
    const enrolled = (await fleet.api.auditLog.list.query({ action: "hosts.enroll" })).items.find((e) => (e.details as { name: string }).name === "prod-1");
    expect(enrolled?.details).toMatchObject({ approval: "pending" });
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CreateDeploymentInput, DeploymentInfo } from "../contracts/deployment";
import { waitFor } from "./wait-for";
import { isProcessAlive, startRealFleet, type FleetGroup, type RealFleet } from "./real-fleet";
import { zipBuffer } from "./test-archives";

/**
 * Three real agent processes against the real server. Hook scripts append "<tag> <event> <deployment>" to
 * $PROOF_DIR/<host>.log, so the files prove which revision's script ran for which event, and how often.
 */
const HOSTS = ["h1", "h2", "h3"];
const hookEvents = ["ApplicationStop", "BeforeInstall", "AfterInstall", "ApplicationStart", "ValidateService"];

let fleet: RealFleet;
let group: FleetGroup;
let proofDir: string;

/** A bundle whose every hook runs scripts/hook.sh, which records itself and then runs `extra`. */
function bundle(tag: string, extra = ""): Promise<Buffer> {
  const hooks = hookEvents.map((e) => `  ${e}:\n    - location: scripts/hook.sh\n      timeout: 120\n`).join("");
  return zipBuffer([
    { name: "appspec.yml", body: `version: 0.0\nos: linux\nhooks:\n${hooks}` },
    {
      name: "scripts/hook.sh",
      body: `#!/bin/sh\necho "${tag} $LIFECYCLE_EVENT $DEPLOYMENT_ID" >> "$PROOF_DIR/$LANDLINE_HOST_NAME.log"\necho "${tag} $LIFECYCLE_EVENT on $LANDLINE_HOST_NAME"\n${extra}\n`,
    },
  ]);
}

async function upload(tag: string, extra = ""): Promise<string> {
  return fleet.uploadRevision(group.applicationName, await bundle(tag, extra), tag);
}

function proof(host: string): string[] {
  const file = path.join(proofDir, `${host}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n") : [];
}

/** Proof lines of one deployment on one host, as "<tag> <event>". */
function ranFor(host: string, deploymentId: string): string[] {
  return proof(host)
    .filter((l) => l.endsWith(` ${deploymentId}`))
    .map((l) => l.split(" ").slice(0, 2).join(" "));
}

function deploy(revisionId: string, extra: Partial<CreateDeploymentInput> = {}): Promise<string> {
  return fleet.deploy(group, revisionId, extra);
}

function finished(deploymentId: string, timeoutMs = 60_000): Promise<DeploymentInfo> {
  return fleet.waitForDeployment(deploymentId, timeoutMs);
}

beforeAll(async () => {
  proofDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-proof-"));
  fleet = await startRealFleet({ hosts: HOSTS, serverEnv: { LANDLINE_AGENT_GRACE_SECONDS: "3" }, agentEnv: { PROOF_DIR: proofDir } });
  group = await fleet.createGroup();
}, 180_000);

afterAll(async () => {
  await fleet?.close();
});

describe("three real agents", () => {
  let v1: string;
  let v2: string;

  it("runs the hooks in order, and the second deployment's ApplicationStop comes from the first revision", async () => {
    v1 = await upload("v1");
    const first = await deploy(v1);
    expect((await finished(first)).status).toBe("Succeeded");
    for (const h of HOSTS) expect(ranFor(h, first)).toEqual(["v1 BeforeInstall", "v1 AfterInstall", "v1 ApplicationStart", "v1 ValidateService"]);
    v2 = await upload("v2");
    const second = await deploy(v2);
    expect((await finished(second)).status).toBe("Succeeded");
    for (const h of HOSTS) {
      expect(ranFor(h, second)).toEqual(["v1 ApplicationStop", "v2 BeforeInstall", "v2 AfterInstall", "v2 ApplicationStart", "v2 ValidateService"]);
    }
    const [target] = await fleet.api.deployments.listTargets.query({ deploymentId: second });
    const detail = await fleet.api.deployments.getTarget.query({ targetId: target.targetId });
    expect(detail.lifecycleEvents[0]).toMatchObject({ lifecycleEventName: "ApplicationStop", scriptDeploymentId: first, scriptRevisionId: v1 });
    const logs = await fleet.api.deployments.logs.query({ deploymentId: second, eventName: "BeforeInstall" });
    const scriptOutput = logs.lines.filter((l) => l.stream === "stdout").map((l) => l.text);
    expect(scriptOutput.sort()).toEqual(HOSTS.map((h) => `v2 BeforeInstall on ${h}`));
  }, 120_000);

  it("fails OneAtATime at the first failing host, skips the rest and rolls every host back", async () => {
    const v3 = await upload("v3", `[ "$LANDLINE_HOST_NAME" = h2 ] && [ "$LIFECYCLE_EVENT" = AfterInstall ] && exit 3\nexit 0`);
    const bad = await deploy(v3, { autoRollback: { enabled: true, events: ["DEPLOYMENT_FAILURE"] } });
    const info = await finished(bad);
    expect(info).toMatchObject({
      status: "Failed",
      errorInformation: { code: "HEALTH_CONSTRAINTS" },
      deploymentOverview: { Succeeded: 1, Failed: 1, Skipped: 1 },
    });
    expect(ranFor("h3", bad)).toEqual([]);
    const targets = await fleet.api.deployments.listTargets.query({ deploymentId: bad });
    expect(targets.map((t) => [t.hostName, t.status])).toEqual([
      ["h1", "Succeeded"],
      ["h2", "Failed"],
      ["h3", "Skipped"],
    ]);
    const failedTarget = await fleet.api.deployments.getTarget.query({ targetId: targets[1].targetId });
    expect(failedTarget.lifecycleEvents.find((e) => e.lifecycleEventName === "AfterInstall")?.diagnostics).toMatchObject({ errorCode: "ScriptFailed" });

    const rollbackId = info.rollbackInfo!.rollbackDeploymentId!;
    const rollback = await finished(rollbackId);
    expect(rollback).toMatchObject({ status: "Succeeded", creator: "codeDeployRollback", revision: { revisionId: v2 } });
    for (const h of HOSTS) expect(ranFor(h, rollbackId).slice(1)).toEqual(["v2 BeforeInstall", "v2 AfterInstall", "v2 ApplicationStart", "v2 ValidateService"]);
    expect((await fleet.api.deployments.get.query({ deploymentId: bad })).rollbackInfo?.rollbackMessage).toBe(`Rollback deployment ${rollbackId} succeeded`);
  }, 120_000);

  it("fails the target of an agent killed mid-hook within the grace period", async () => {
    const v4 = await upload("v4", `[ "$LANDLINE_HOST_NAME" = h1 ] && [ "$LIFECYCLE_EVENT" = ApplicationStart ] && sleep 30\nexit 0`);
    const id = await deploy(v4);
    await waitFor(() => ranFor("h1", id).includes("v4 ApplicationStart"), { timeoutMs: 30_000, what: "h1 to start ApplicationStart" });
    await fleet.agents.get("h1")!.kill("SIGKILL");
    const killedAt = Date.now();
    const info = await finished(id, 20_000);
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    expect(info).toMatchObject({ status: "Failed", errorInformation: { code: "AGENT_ISSUE" } });
    const [t1] = await fleet.api.deployments.listTargets.query({ deploymentId: id });
    expect(t1).toMatchObject({ hostName: "h1", status: "Failed", failedEvent: "ApplicationStart" });
    await fleet.startAgent("h1");
  }, 90_000);

  it("finishes a deployment across three hosts after the server is killed mid-way, with complete logs and no hook run twice", async () => {
    const v5 = await upload("v5", `[ "$LIFECYCLE_EVENT" = BeforeInstall ] && sleep 2\nexit 0`);
    const id = await deploy(v5, { deploymentConfigName: "CodeDeployDefault.AllAtOnce" });
    await waitFor(() => HOSTS.every((h) => ranFor(h, id).includes("v5 BeforeInstall")), { timeoutMs: 30_000, what: "BeforeInstall on every host" });
    await fleet.server.kill("SIGKILL");
    await fleet.restartServer();
    const info = await finished(id, 60_000);
    expect(info.status).toBe("Succeeded");
    for (const h of HOSTS) {
      const ran = ranFor(h, id);
      expect(ran.slice(1)).toEqual(["v5 BeforeInstall", "v5 AfterInstall", "v5 ApplicationStart", "v5 ValidateService"]);
    }
    const logs = await fleet.api.deployments.logs.query({ deploymentId: id, limit: 5000 });
    expect(logs.complete).toBe(true);
    const hookLines = logs.lines.filter((l) => l.text.startsWith("v5 ")).map((l) => l.text);
    for (const h of HOSTS) for (const e of hookEvents.slice(1)) expect(hookLines.filter((t) => t === `v5 ${e} on ${h}`)).toHaveLength(1);
  }, 120_000);

  it("stops a deployment and leaves no hook process running", async () => {
    const v6 = await upload(
      "v6",
      `if [ "$LIFECYCLE_EVENT" = ApplicationStart ]; then sleep 300 & echo "$$ $!" > "$PROOF_DIR/$LANDLINE_HOST_NAME.pids"; wait; fi\nexit 0`,
    );
    const id = await deploy(v6, { deploymentConfigName: "CodeDeployDefault.AllAtOnce" });
    const pidFiles = HOSTS.map((h) => path.join(proofDir, `${h}.pids`));
    await waitFor(() => pidFiles.every((f) => fs.existsSync(f) && fs.readFileSync(f, "utf8").trim().split(" ").length === 2), {
      timeoutMs: 30_000,
      what: "hooks to start",
    });
    const pids = pidFiles.flatMap((f) => fs.readFileSync(f, "utf8").trim().split(" ").map(Number));
    expect(pids.every(isProcessAlive)).toBe(true);
    await fleet.api.deployments.stop.mutate({ deploymentId: id });
    const info = await finished(id, 20_000);
    expect(info).toMatchObject({ status: "Stopped", errorInformation: { code: "MANUAL_STOP" } });
    await waitFor(() => pids.every((p) => !isProcessAlive(p)), { timeoutMs: 10_000, what: "hook processes to end" });
  }, 90_000);
});

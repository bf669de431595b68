import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli";
import { startRealFleet, type FleetGroup, type RealFleet } from "./real-fleet";
import { zipBuffer } from "./test-archives";

/**
 * The real server with its data directory on a small tmpfs of its own, filled to the last byte while a
 * deployment streams its log, then freed again.
 */
const METRICS_TOKEN = "metrics-token-0123456789";
const LINES = 20_000;

let mountPoint: string;
let mounted = false;
let fleet: RealFleet;
let group: FleetGroup;

function tryMountTmpfs(dir: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Writes a file until the file system refuses another byte; returns its path. */
function fillDisk(dir: string): string {
  const file = path.join(dir, "filler");
  const fd = fs.openSync(file, "w");
  try {
    for (const chunk of [1024 * 1024, 4096, 1]) {
      const buffer = Buffer.alloc(chunk);
      for (;;) {
        try {
          fs.writeSync(fd, buffer);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

function bundle(script: string): Promise<Buffer> {
  return zipBuffer([
    { name: "appspec.yml", body: "version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: scripts/hook.sh\n      timeout: 600\n" },
    { name: "scripts/hook.sh", body: `#!/bin/sh\n${script}\n` },
  ]);
}

async function logTexts(deploymentId: string): Promise<string[]> {
  const texts: string[] = [];
  for (let afterSeq = 0; ;) {
    const page = await fleet.api.deployments.logs.query({ deploymentId, afterSeq, limit: 5000 });
    texts.push(...page.lines.map((l) => l.text));
    if (page.lines.length < 5000) return texts;
    afterSeq = page.nextSeq;
  }
}

async function health(): Promise<{ status: number; body: { ok: boolean; storage: { ok: boolean; code?: string; message?: string } } }> {
  const res = await fetch(`${fleet.server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as never };
}

async function storageGauge(): Promise<number> {
  const text = await (await fetch(`${fleet.server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(/^landline_storage_failing (\d+)$/m.exec(text)?.[1] ?? NaN);
}

async function deploy(script: string): Promise<string> {
  return fleet.deploy(group, await fleet.uploadRevision(group.applicationName, await bundle(script)));
}

beforeAll(async () => {
  mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "landline-small-disk-"));
  mounted = os.platform() === "linux" && process.getuid?.() === 0 && tryMountTmpfs(mountPoint);
  if (!mounted) return;
  fleet = await startRealFleet({ hosts: ["h1"], dataDir: mountPoint, serverEnv: { LANDLINE_METRICS_TOKEN: METRICS_TOKEN } });
  group = await fleet.createGroup();
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  if (mounted) execFileSync("umount", [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

describe("a full data directory", () => {
  it("says so on the deployment, in the CLI, on /healthz and /metrics, refuses uploads with 'not enough space', and recovers once space is freed", async ({
    skip,
  }) => {
    if (!mounted) skip("needs root to mount a tmpfs");
    const before = await deploy('echo "stored before the disk filled"');
    expect((await fleet.waitForDeployment(before)).status).toBe("Succeeded");
    expect((await health()).status).toBe(200);
    expect(await storageGauge()).toBe(0);

    // The hook prints its lines only once the disk is full, so they meet the full disk however slow the machine is.
    const release = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "landline-release-")), "go");
    const id = await deploy(
      `echo "hook started"; while [ ! -e ${release} ]; do sleep 0.1; done; awk 'BEGIN { for (i = 1; i <= ${LINES}; i++) printf "line %d %0300d\\n", i, 0 }'`,
    );
    await expect.poll(() => logTexts(id), { timeout: 30_000 }).toContain("hook started");
    const filler = fillDisk(mountPoint);
    fs.writeFileSync(release, "");
    try {
      await expect
        .poll(async () => (await fleet.api.deployments.get.query({ deploymentId: id })).storageProblem, { timeout: 60_000, interval: 500 })
        .toMatchObject({ code: expect.any(String) });
      const stuck = await fleet.api.deployments.get.query({ deploymentId: id });
      expect(stuck.status).toBe("InProgress");
      expect(stuck.storageProblem!.message).toMatch(/cannot store data/);

      const healthz = await health();
      expect(healthz.status).toBe(503);
      expect(healthz.body).toMatchObject({ ok: false, storage: { ok: false, message: expect.stringMatching(/cannot store data/) } });
      expect(await storageGauge()).toBe(1);
      expect(await runCli(fleet.server.url, fleet.apiToken, ["deployments", "get", id])).toMatch(/STORAGE: The server cannot store data/);

      const upload = await fetch(`${fleet.server.url}/api/revisions?application=${group.applicationName}`, {
        method: "POST",
        headers: { authorization: `Bearer ${fleet.apiToken}`, "content-type": "application/zip" },
        body: new Uint8Array(await bundle('echo "too late"')),
      });
      expect(upload.status).toBe(507);
      expect(((await upload.json()) as { error: string }).error).toMatch(/^not enough space/);
    } finally {
      fs.rmSync(filler);
    }

    const done = await fleet.waitForDeployment(id, 120_000);
    expect(done.status).toBe("Succeeded");
    const texts = await logTexts(id);
    expect(texts.filter((t) => t.startsWith("line "))).toHaveLength(LINES);
    expect(await logTexts(before)).toContain("stored before the disk filled");
    await expect.poll(async () => (await health()).status, { timeout: 30_000 }).toBe(200);
    expect(await storageGauge()).toBe(0);
    expect((await fleet.api.deployments.get.query({ deploymentId: id })).storageProblem).toBeNull();

    const after = await deploy('echo "after the disk was freed"');
    expect((await fleet.waitForDeployment(after)).status).toBe("Succeeded");
    expect(await logTexts(after)).toContain("after the disk was freed");
  }, 300_000);
});

import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildHookEnv } from "./command-executor";
import type { HookInvocation } from "./hook-plan";
import { isProcessGroupAlive, killProcessGroup, runHookScript, runHookScripts, type OutputStream } from "./hook-runner";
import { waitFor } from "../server/test/wait-for";

const isRoot = process.getuid?.() === 0;
let dir: string;
let lines: { stream: OutputStream; text: string }[];
let groups: number[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-hooks-"));
  fs.chmodSync(dir, 0o755);
  lines = [];
  groups = [];
});

afterEach(async () => {
  for (const pgid of groups) if (isProcessGroupAlive(pgid)) await killProcessGroup(pgid, 200);
  fs.rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string, mode = 0o755): HookInvocation {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
  fs.chmodSync(file, mode);
  return { location: name, scriptPath: file, cwd: dir, timeoutSeconds: 30, runas: null, sudo: false };
}

const options = (extra: Partial<Parameters<typeof runHookScript>[1]> = {}) => ({
  lifecycleEvent: "ApplicationStart",
  env: { PATH: process.env.PATH },
  onLine: (stream: OutputStream, text: string) => lines.push({ stream, text }),
  onProcessGroup: (pgid: number | null) => {
    if (pgid !== null) groups.push(pgid);
  },
  ...extra,
});

function isPidAlive(pid: number): boolean {
  if (spawnSync("kill", ["-0", String(pid)]).status !== 0) return false;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

describe("runHookScript", () => {
  it("streams stdout and stderr lines, runs in the revision directory and succeeds on exit 0", async () => {
    const outcome = await runHookScript(script("scripts/ok.sh", 'echo "out $(pwd)"\necho err >&2\nprintf "no newline"'), options());
    expect(outcome).toEqual({ ok: true });
    expect(lines).toContainEqual({ stream: "stdout", text: `out ${dir}` });
    expect(lines).toContainEqual({ stream: "stderr", text: "err" });
    expect(lines).toContainEqual({ stream: "stdout", text: "no newline" });
    expect(lines[0]).toEqual({ stream: "system", text: expect.stringMatching(/^Running ApplicationStart script scripts\/ok.sh as \S+ \(timeout 30 s\)$/) });
  });

  it("fails with ScriptFailed naming the script, the user and the exit code", async () => {
    const outcome = await runHookScript(script("scripts/fail.sh", "echo about to fail\nexit 3"), options());
    expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptFailed" });
    expect(!outcome.ok && outcome.message).toBe(`Script at specified location: scripts/fail.sh run as user ${os.userInfo().username} failed with exit code 3`);
  });

  it("reports a missing script as ScriptMissing", async () => {
    const outcome = await runHookScript({ ...script("x.sh", "true"), location: "scripts/none.sh", scriptPath: path.join(dir, "scripts/none.sh") }, options());
    expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptMissing" });
  });

  it("makes a script without the executable bit executable and runs it", async () => {
    const invocation = script("plain.sh", "echo ran", 0o644);
    expect(await runHookScript(invocation, options())).toEqual({ ok: true });
    expect(fs.statSync(invocation.scriptPath).mode & 0o111).not.toBe(0);
    expect(lines).toContainEqual({ stream: "stdout", text: "ran" });
  });

  it("reports ScriptNotExecutable when chmod +x fails", async (ctx) => {
    const invocation = script("locked.sh", "echo ran", 0o644);
    if (spawnSync("chattr", ["+i", invocation.scriptPath]).status !== 0) ctx.skip("chattr +i is not available here to make chmod fail");
    try {
      const outcome = await runHookScript(invocation, options());
      expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptNotExecutable" });
    } finally {
      spawnSync("chattr", ["-i", invocation.scriptPath]);
    }
  });

  it("on timeout kills the whole process group, grandchildren included", async () => {
    const invocation = { ...script("slow.sh", `sleep 60 &\necho $! > "${dir}/grandchild.pid"\nsleep 60`), timeoutSeconds: 1 };
    const started = Date.now();
    const outcome = await runHookScript(invocation, options({ killGraceMs: 1000 }));
    expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptTimedOut", message: "Script at specified location: slow.sh failed to complete in 1 seconds" });
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(fs.readFileSync(path.join(dir, "grandchild.pid"), "utf8"));
    await waitFor(() => !isPidAlive(grandchild), { timeoutMs: 10_000, what: `grandchild ${grandchild} to be killed` });
  });

  it("escalates to SIGKILL for a process that ignores SIGTERM", async () => {
    const invocation = {
      ...script("stubborn.sh", `sh -c 'trap "" TERM; echo $$ > "${dir}/stubborn.pid"; while true; do sleep 1; done' &\nsleep 60`),
      timeoutSeconds: 1,
    };
    const outcome = await runHookScript(invocation, options({ killGraceMs: 500 }));
    expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptTimedOut" });
    const stubborn = Number(fs.readFileSync(path.join(dir, "stubborn.pid"), "utf8"));
    await waitFor(() => !isPidAlive(stubborn), { timeoutMs: 10_000, what: `the process ignoring SIGTERM (${stubborn}) to be killed` });
  });

  it("does not hang when a background process keeps stdout open, and keeps that process running", async () => {
    const invocation = script("start.sh", `(while true; do echo tick; sleep 0.1; done) &\necho $! > "${dir}/daemon.pid"\necho started`);
    const started = Date.now();
    const outcome = await runHookScript(invocation, options({ outputGraceMs: 500 }));
    expect(outcome).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(lines).toContainEqual({ stream: "stdout", text: "started" });
    expect(lines.some((l) => l.stream === "system" && /still holds its stdout\/stderr open/.test(l.text))).toBe(true);
    // It keeps writing to the inherited pipe; it must not die of SIGPIPE after the agent stopped reading. Staying alive
    // is the behaviour under test, so there is no condition to wait on: give it time to (wrongly) die.
    await new Promise((r) => setTimeout(r, 500));
    expect(isPidAlive(Number(fs.readFileSync(path.join(dir, "daemon.pid"), "utf8")))).toBe(true);
  });

  it("splits lines longer than 16 KB", async () => {
    await runHookScript(script("long.sh", `head -c 40000 /dev/zero | tr '\\0' a; echo`), options());
    const output = lines.filter((l) => l.stream === "stdout").map((l) => l.text.length);
    expect(output).toEqual([16384, 16384, 7232]);
  });

  it("stops the script when the command is cancelled", async () => {
    const controller = new AbortController();
    const run = runHookScript(script("long-running.sh", "echo working\nsleep 60"), options({ signal: controller.signal, killGraceMs: 500 }));
    await waitFor(() => lines.some((l) => l.text === "working"), { timeoutMs: 10_000, what: "the script's first line" });
    controller.abort();
    expect(await run).toMatchObject({ ok: false, errorCode: "Cancelled" });
  });

  it("passes the deployment variables and not the agent's secrets", async () => {
    const spec = {
      commandId: "c-1",
      lifecycleEvent: "AfterInstall" as const,
      deploymentId: "d-ABCDEFGHI",
      applicationName: "shop",
      deploymentGroupName: "prod",
      deploymentGroupId: "g-1",
      revision: { revisionId: "r-1", sha256: "b".repeat(64), bundleType: "zip" as const, size: 1 },
      fileExistsBehavior: "DISALLOW" as const,
      defaultHookTimeoutSeconds: 3600,
    };
    const env = buildHookEnv({ PATH: process.env.PATH, LANDLINE_ENROLL_TOKEN: "secret-token", KEEP_ME: "yes" }, spec, "web-1");
    const names = [
      "LIFECYCLE_EVENT",
      "DEPLOYMENT_ID",
      "APPLICATION_NAME",
      "DEPLOYMENT_GROUP_NAME",
      "DEPLOYMENT_GROUP_ID",
      "LANDLINE_REVISION_SHA256",
      "LANDLINE_HOST_NAME",
      "KEEP_ME",
      "LANDLINE_ENROLL_TOKEN",
    ];
    await runHookScript(script("env.sh", names.map((n) => `echo "${n}=\${${n}:-unset}"`).join("\n")), options({ env }));
    expect(lines.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual([
      "LIFECYCLE_EVENT=AfterInstall",
      "DEPLOYMENT_ID=d-ABCDEFGHI",
      "APPLICATION_NAME=shop",
      "DEPLOYMENT_GROUP_NAME=prod",
      "DEPLOYMENT_GROUP_ID=g-1",
      `LANDLINE_REVISION_SHA256=${"b".repeat(64)}`,
      "LANDLINE_HOST_NAME=web-1",
      "KEEP_ME=yes",
      "LANDLINE_ENROLL_TOKEN=unset",
    ]);
  });

  it.skipIf(!isRoot)("runs a script as its runas user (needs root)", async () => {
    const outcome = await runHookScript({ ...script("whoami.sh", 'echo "$(id -un) $HOME"'), runas: "nobody" }, options());
    expect(outcome).toEqual({ ok: true });
    expect(lines).toContainEqual({ stream: "stdout", text: "nobody /nonexistent" });
    expect(lines[0].text).toContain("as nobody");
  });

  it.skipIf(!isRoot)("gives a runas script the user's supplementary groups, as su does (needs root)", async () => {
    // A throwaway user whose only supplementary group is a throwaway group.
    execFileSync("groupadd", ["-f", "landline-hook-grp"]);
    try {
      execFileSync("id", ["landline-hook-usr"], { stdio: "ignore" });
    } catch {
      execFileSync("useradd", ["-M", "-N", "-g", "nogroup", "-G", "landline-hook-grp", "-s", "/usr/sbin/nologin", "landline-hook-usr"]);
    }
    try {
      const outcome = await runHookScript({ ...script("groups.sh", 'echo "$(id -un) $(id -Gn)"'), runas: "landline-hook-usr" }, options());
      expect(outcome).toEqual({ ok: true });
      const printed = lines.find((l) => l.stream === "stdout")?.text ?? "";
      expect(printed.split(" ")).toEqual(expect.arrayContaining(["landline-hook-usr", "nogroup", "landline-hook-grp"]));
    } finally {
      execFileSync("userdel", ["landline-hook-usr"]);
      execFileSync("groupdel", ["landline-hook-grp"]);
    }
  });

  it.skipIf(!isRoot)("fails clearly when the runas user does not exist (needs root)", async () => {
    const outcome = await runHookScript({ ...script("who.sh", "id"), runas: "no-such-user-x" }, options());
    expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptFailed", message: expect.stringContaining("runas user no-such-user-x does not exist") });
  });
});

describe("runHookScripts", () => {
  it("runs scripts in order and stops at the first failure, naming it", async () => {
    const outcome = await runHookScripts([script("one.sh", "echo one"), script("two.sh", "echo two; exit 1"), script("three.sh", "echo three")], options());
    expect(outcome).toMatchObject({ ok: false, errorCode: "ScriptFailed", scriptName: "two.sh" });
    expect(lines.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual(["one", "two"]);
  });
});

import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import type { Socket } from "node:net";
import os from "node:os";
import type { LifecycleErrorCode } from "../server/contracts/deployment";
import type { LogLine } from "../server/contracts/agent-protocol";
import type { HookInvocation } from "./hook-plan";
import { LineSplitter } from "./line-splitter";

/** The only module that starts processes: hook scripts, and the few system tools the agent needs. */

export type OutputStream = LogLine["stream"];
export type LineSink = (stream: OutputStream, text: string) => void;

export type ScriptOutcome = { ok: true } | { ok: false; errorCode: LifecycleErrorCode; message: string };

export type RunHookOptions = {
  lifecycleEvent: string;
  env: Record<string, string | undefined>;
  onLine: LineSink;
  /** Called with the script's process group id when it starts, and null when it is over. */
  onProcessGroup?: (pgid: number | null) => void;
  signal?: AbortSignal;
  /** How long to wait for stdout/stderr EOF after the script exited. */
  outputGraceMs?: number;
  /** Between SIGTERM and SIGKILL when a process group is stopped. */
  killGraceMs?: number;
};

export const DEFAULT_OUTPUT_GRACE_MS = 2000;
export const DEFAULT_KILL_GRACE_MS = 5000;

export class ToolMissingError extends Error {}

/** Runs a system tool (setfacl, semanage, getent, ...) and returns its stdout; a missing tool throws ToolMissingError. */
export function runTool(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return reject(new ToolMissingError(`${command} is not installed on this host`));
      const detail = String(stderr || stdout)
        .trim()
        .split("\n")
        .slice(-3)
        .join(" ");
      reject(new Error(`${command} ${args.join(" ")} failed: ${detail || error.message}`));
    });
  });
}

export type UserInfo = { name: string; uid: number; gid: number; home: string };

/** Looks a user up with getent (falling back to id); null when the user does not exist. */
export async function lookupUser(name: string): Promise<UserInfo | null> {
  try {
    const [, , uid, gid, , home] = (await runTool("getent", ["passwd", name])).trim().split("\n")[0].split(":");
    return { name, uid: Number(uid), gid: Number(gid), home: home || "/" };
  } catch (e) {
    if (!(e instanceof ToolMissingError)) return null;
  }
  try {
    const uid = Number((await runTool("id", ["-u", name])).trim());
    const gid = Number((await runTool("id", ["-g", name])).trim());
    return { name, uid, gid, home: "/" };
  } catch {
    return null;
  }
}

/** Resolves a group name to its gid; null when it does not exist. */
export async function lookupGroup(name: string): Promise<number | null> {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    const gid = (await runTool("getent", ["group", name])).trim().split("\n")[0].split(":")[2];
    return gid === undefined ? null : Number(gid);
  } catch {
    return null;
  }
}

export function currentBootId(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return `uptime-${Math.round(Date.now() / 1000 - os.uptime())}`;
  }
}

/** True when a live (non-zombie) process is in the group. */
export function isProcessGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  try {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** SIGTERM to the whole group, SIGKILL after graceMs if anything survived; resolves when done. */
export async function killProcessGroup(pgid: number, graceMs = DEFAULT_KILL_GRACE_MS): Promise<void> {
  try {
    process.kill(-pgid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessGroupAlive(pgid)) return;
    await sleep(100);
  }
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeUser(invocation: HookInvocation): string {
  return invocation.runas ?? os.userInfo().username;
}

/** Makes the script executable like CodeDeploy does (chmod +x); returns a failure outcome or null. */
function checkScript(invocation: HookInvocation): ScriptOutcome | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(invocation.scriptPath);
  } catch {
    return { ok: false, errorCode: "ScriptMissing", message: `Script does not exist at specified location: ${invocation.scriptPath}` };
  }
  if (!stat.isFile()) {
    return { ok: false, errorCode: "ScriptMissing", message: `Script at specified location: ${invocation.location} is not a regular file` };
  }
  if ((stat.mode & 0o111) === 0) {
    try {
      fs.chmodSync(invocation.scriptPath, (stat.mode & 0o7777) | 0o111);
    } catch (e) {
      return {
        ok: false,
        errorCode: "ScriptNotExecutable",
        message: `Script at specified location: ${invocation.location} is not executable and chmod +x failed: ${(e as Error).message}`,
      };
    }
  }
  return null;
}

type SpawnPlan = { command: string; args: string[]; uid?: number; gid?: number; env: Record<string, string | undefined> };

async function planSpawn(invocation: HookInvocation, env: Record<string, string | undefined>): Promise<SpawnPlan | ScriptOutcome> {
  const isRoot = process.getuid?.() === 0;
  const me = os.userInfo().username;
  if (invocation.sudo && !isRoot) {
    return { command: "sudo", args: ["-n", "-u", invocation.runas ?? "root", "--", invocation.scriptPath], env };
  }
  if (invocation.runas === null || invocation.runas === me) return { command: invocation.scriptPath, args: [], env };
  if (!isRoot) {
    return {
      ok: false,
      errorCode: "ScriptFailed",
      message: `Script at specified location: ${invocation.location} asks for runas ${invocation.runas}, which needs the agent to run as root (it runs as ${me})`,
    };
  }
  const user = await lookupUser(invocation.runas);
  if (!user) {
    return { ok: false, errorCode: "ScriptFailed", message: `runas user ${invocation.runas} does not exist on this host (${invocation.location})` };
  }
  const userEnv = { ...env, HOME: user.home, USER: user.name, LOGNAME: user.name };
  // Like CodeDeploy's `su <user> -c`, the script gets the user's supplementary groups too (docker, www-data...),
  // which Node's uid/gid options cannot set: setpriv (util-linux) switches user and groups, then execs the script.
  const setpriv = findSetpriv();
  if (setpriv) return { command: setpriv, args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--init-groups", "--", invocation.scriptPath], env: userEnv };
  return { command: invocation.scriptPath, args: [], uid: user.uid, gid: user.gid, env: userEnv };
}

let setprivPath: string | null | undefined;

/** util-linux's setpriv, found once; null where it is missing (the script then runs with only the user's primary group). */
function findSetpriv(): string | null {
  if (setprivPath === undefined) setprivPath = ["/usr/bin/setpriv", "/bin/setpriv"].find((file) => fs.existsSync(file)) ?? null;
  return setprivPath;
}

/**
 * Runs one hook script in its own process group with stdin closed, streaming every line.
 * Timeout or cancel stops the whole group. A background process that keeps stdout/stderr open
 * does not hang the event: after the script exits we wait outputGraceMs for EOF, then stop reading.
 */
export async function runHookScript(invocation: HookInvocation, options: RunHookOptions): Promise<ScriptOutcome> {
  const { onLine } = options;
  const user = describeUser(invocation);
  const checked = checkScript(invocation);
  if (checked) return checked;
  const plan = await planSpawn(invocation, options.env);
  if ("ok" in plan) return plan;
  if (options.signal?.aborted) return { ok: false, errorCode: "Cancelled", message: "cancelled before the script started" };

  onLine("system", `Running ${options.lifecycleEvent} script ${invocation.location} as ${user} (timeout ${invocation.timeoutSeconds} s)`);
  const started = Date.now();
  const child = spawn(plan.command, plan.args, {
    cwd: invocation.cwd,
    env: plan.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    uid: plan.uid,
    gid: plan.gid,
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const stdoutLines = new LineSplitter((text) => onLine("stdout", text));
  const stderrLines = new LineSplitter((text) => onLine("stderr", text));
  child.stdout!.on("data", (chunk: Buffer) => stdoutLines.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => stderrLines.push(chunk));
  const outputClosed = Promise.all([
    new Promise((resolve) => child.stdout!.once("close", resolve)),
    new Promise((resolve) => child.stderr!.once("close", resolve)),
  ]);

  const pgid = child.pid;
  if (pgid === undefined) {
    const error = (await spawnError) as NodeJS.ErrnoException;
    const hint = error.code === "EACCES" ? ` (can ${user} read and execute it, and reach its directory?)` : "";
    return {
      ok: false,
      errorCode: "ScriptFailed",
      message: `Script at specified location: ${invocation.location} could not start as ${user}: ${error.message}${hint}`,
    };
  }
  options.onProcessGroup?.(pgid);

  const stopped: { reason: "timeout" | "cancel"; done: Promise<void> }[] = [];
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const stop = (reason: "timeout" | "cancel") => {
    if (stopped.length > 0) return;
    onLine(
      "system",
      reason === "timeout"
        ? `Timed out after ${invocation.timeoutSeconds} s; stopping the script's process group`
        : "Cancelled; stopping the script's process group",
    );
    stopped.push({ reason, done: killProcessGroup(pgid, killGraceMs) });
  };
  const timer = setTimeout(() => stop("timeout"), invocation.timeoutSeconds * 1000);
  const onAbort = () => stop("cancel");
  options.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const exit = await Promise.race([exited, spawnError.then((error) => ({ error }))]);
    if ("error" in exit) {
      return { ok: false, errorCode: "ScriptFailed", message: `Script at specified location: ${invocation.location} could not start: ${exit.error.message}` };
    }
    // From here on a late timer must not kill what the script left running on purpose.
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    const stoppedFor = stopped[0]?.reason ?? null;
    if (stopped[0]) await stopped[0].done;
    const graceMs = options.outputGraceMs ?? DEFAULT_OUTPUT_GRACE_MS;
    const closedInTime = await Promise.race([outputClosed.then(() => true), sleep(graceMs).then(() => false)]);
    if (!closedInTime) {
      for (const stream of [child.stdout!, child.stderr!]) {
        // Keep draining, discarding: closing the pipe would kill the background process with SIGPIPE.
        stream.removeAllListeners("data");
        stream.on("data", () => {});
        (stream as Socket).unref();
      }
    }
    stdoutLines.flush();
    stderrLines.flush();
    if (!closedInTime) {
      onLine(
        "system",
        `Warning: ${invocation.location} exited but a background process it started still holds its stdout/stderr open; its further output is discarded. ` +
          "Redirect the background process's output, e.g. `nohup my-server > /var/log/my-server.log 2>&1 < /dev/null &`.",
      );
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (stoppedFor === "timeout") {
      return {
        ok: false,
        errorCode: "ScriptTimedOut",
        message: `Script at specified location: ${invocation.location} failed to complete in ${invocation.timeoutSeconds} seconds`,
      };
    }
    if (stoppedFor === "cancel") return { ok: false, errorCode: "Cancelled", message: `Script ${invocation.location} was stopped` };
    if (exit.code === 0) {
      onLine("system", `Script ${invocation.location} succeeded after ${seconds} s`);
      return { ok: true };
    }
    const how = exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
    onLine("system", `Script ${invocation.location} failed with ${how} after ${seconds} s`);
    return {
      ok: false,
      errorCode: "ScriptFailed",
      message: `Script at specified location: ${invocation.location} run as user ${user} failed with ${how}`,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    options.onProcessGroup?.(null);
  }
}

export type HookScriptsOutcome = ScriptOutcome & { scriptName: string | null };

/** Runs the scripts of one event in order; the first failure stops the event. */
export async function runHookScripts(invocations: HookInvocation[], options: RunHookOptions): Promise<HookScriptsOutcome> {
  for (const invocation of invocations) {
    const outcome = await runHookScript(invocation, options);
    if (!outcome.ok) return { ...outcome, scriptName: invocation.location };
  }
  return { ok: true, scriptName: null };
}

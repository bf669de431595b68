import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { HostTag } from "../contracts/resources";
import { REPO_ROOT } from "./spawn-server";

export type SpawnedAgent = {
  process: ChildProcess;
  rootDir: string;
  /** Everything the agent printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves when the output matches `pattern` (searching from the start). */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Sends a signal (default SIGTERM) and waits for the process to exit. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
  /** Stops the agent if it runs and starts it again on the same root (reusing its credential). */
  restart: () => Promise<SpawnedAgent>;
};

export type SpawnAgentOptions = {
  serverUrl: string;
  /** Needed on the first start of a root; later starts reuse the stored credential. */
  enrollToken?: string;
  name: string;
  tags?: HostTag[];
  /** Agent data directory; a fresh temporary one by default. */
  rootDir?: string;
  maxRevisions?: number;
  env?: Record<string, string>;
  /** A standalone agent file (as served by /api/agent/download) run with plain node, instead of agent/main.ts under tsx. */
  program?: string;
  /** How the enrollment token reaches the agent (default: --enroll TOKEN on the command line). */
  enrollVia?: "argument" | "file" | "stdin";
  /** Wait for the "connected to" line (default true). */
  waitForConnection?: boolean;
  timeoutMs?: number;
};

/** Starts the real agent (`node --import tsx agent/main.ts`, or a standalone file) and waits until it says it is connected. */
export async function spawnAgent(options: SpawnAgentOptions): Promise<SpawnedAgent> {
  const rootDir = options.rootDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "landline-agent-"));
  const entry = options.program ? [options.program] : ["--import", "tsx", "agent/main.ts"];
  const args = [...entry, "--server", options.serverUrl, "--name", options.name, "--root", rootDir];
  const enrollVia = options.enrollVia ?? "argument";
  if (options.enrollToken && enrollVia === "argument") args.push("--enroll", options.enrollToken);
  if (options.enrollToken && enrollVia === "file") {
    const tokenFile = `${rootDir}.enroll-token`;
    fs.writeFileSync(tokenFile, `${options.enrollToken}\n`, { mode: 0o600 });
    args.push("--enroll-file", tokenFile);
  }
  if (options.enrollToken && enrollVia === "stdin") args.push("--enroll-stdin");
  if (options.tags && options.tags.length > 0) args.push("--tags", options.tags.map((t) => `${t.key}=${t.value}`).join(","));
  if (options.maxRevisions !== undefined) args.push("--max-revisions", String(options.maxRevisions));
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: [options.enrollToken && enrollVia === "stdin" ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (child.stdin) child.stdin.end(`${options.enrollToken}\n`);
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);

  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitForOutput = (pattern: RegExp, timeoutMs = options.timeoutMs ?? 30_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) {
          done();
          resolve();
        } else if (exited()) {
          done();
          reject(new Error(`agent exited with ${child.exitCode ?? child.signalCode} before printing ${pattern}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`agent did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off("exit", check);
      };
      listeners.add(check);
      child.on("exit", check);
      check();
    });

  const kill = (signal: NodeJS.Signals = "SIGTERM") =>
    new Promise<void>((resolve) => {
      if (exited()) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });

  const agent: SpawnedAgent = {
    process: child,
    rootDir,
    output: () => output,
    waitForOutput,
    kill,
    restart: async () => {
      await kill();
      return spawnAgent({ ...options, rootDir, enrollToken: undefined });
    },
  };
  if (options.waitForConnection !== false) {
    try {
      await waitForOutput(/connected to \S+ as \S+/);
    } catch (error) {
      await kill("SIGKILL");
      throw error;
    }
  }
  return agent;
}

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createEnrollmentToken } from "./auth/enrollment-tokens";
import type { Deps } from "./deps";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Runs one agent beside the server (LANDLINE_LOCAL_AGENT=true), so a newcomer can deploy to this
 * machine at once. It enrolls on first start with a single-use token and is tagged landline=local.
 * Returns a function that stops it.
 */
export function startLocalAgent(deps: Deps, serverUrl: string): () => void {
  const rootDir = path.join(deps.env.dataDir, "local-agent");
  const enrolled = fs.existsSync(path.join(rootDir, "credential.json"));
  const name = `${
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .slice(0, 80) || "host"
  }-local`;
  const args = ["--import", "tsx", path.join(REPO_ROOT, "agent/main.ts"), "--server", serverUrl, "--root", rootDir, "--name", name, "--tags", "landline=local"];
  let enrollToken: string | null = null;
  if (!enrolled) {
    ({ token: enrollToken } = createEnrollmentToken(
      deps.db,
      {
        name: "local agent",
        expiresHours: 1,
        maxUses: 1,
        tags: [{ key: "landline", value: "local" }],
        allowHostTags: false,
        requireApproval: false,
        createdBy: null,
      },
      deps.now(),
    ));
    args.push("--enroll-stdin");
  }
  let child: ChildProcess | null = null;
  let stopped = false;
  const launch = () => {
    child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: [enrollToken ? "pipe" : "ignore", "pipe", "pipe"],
      env: { ...process.env, LANDLINE_TOKEN: "", LANDLINE_ADMIN_PASSWORD: "" },
    });
    child.stdin?.end(`${enrollToken}\n`);
    const relay = (data: Buffer) => {
      for (const line of data.toString().split("\n")) if (line.trim()) console.log(`[local agent] ${line}`);
    };
    child.stdout?.on("data", relay);
    child.stderr?.on("data", relay);
    child.on("exit", (code, signal) => {
      if (stopped) return;
      console.log(`[local agent] exited (${signal ?? code}); restarting in 5 s`);
      setTimeout(() => !stopped && launch(), 5000).unref();
    });
  };
  // Later starts reuse the stored credential, so the token is only passed the first time.
  launch();
  if (enrollToken) args.splice(args.indexOf("--enroll-stdin"), 1);
  enrollToken = null;
  return () => {
    stopped = true;
    child?.kill("SIGTERM");
  };
}

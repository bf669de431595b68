import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../server/auth/api-tokens";
import { findUserByEmail } from "../server/auth/users";
import { createLandlineClient } from "../server/client";
import { openDatabase } from "../server/storage/database";
import { REPO_ROOT, spawnServer, TEST_ADMIN, type SpawnedServer } from "../server/test/spawn-server";

let server: SpawnedServer;
let token: string;
let tmp: string;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin", "landline.js"), ...args], {
    cwd: tmp,
    env: { ...process.env, LANDLINE_URL: server.url, LANDLINE_TOKEN: token, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "landline-push-"));
  server = await spawnServer();
  const db = openDatabase(path.join(server.dataDir, "landline.db"));
  try {
    const admin = findUserByEmail(db, TEST_ADMIN.email)!;
    token = createApiToken(db, { userId: admin.id, role: admin.role }, { name: "push tests" }, Date.now()).token;
  } finally {
    db.$client.close();
  }
  await createLandlineClient({ url: server.url, token }).applications.create.mutate({ applicationName: "laughs" });
});

afterAll(async () => {
  await server?.kill();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("landline push with a hostile appspec", () => {
  it("refuses a YAML alias bomb like any bad appspec: file, line and field, exit 2, nothing uploaded", async () => {
    const dir = path.join(tmp, "laughs");
    fs.mkdirSync(dir);
    const laughs = [
      "version: 0.0",
      "os: linux",
      "hooks:",
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "  e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "appspec.yml"), `${laughs}\n`);

    const run = await runCli(["push", dir, "--app", "laughs"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(dir, "appspec.yml")}:5:10 hooks.b[0]: the appspec expands aliases`);
    expect(run.stderr).not.toMatch(/ReferenceError|Excessive alias count/);
    const revisions = await createLandlineClient({ url: server.url, token }).revisions.list.query({ applicationName: "laughs" });
    expect(revisions.items).toEqual([]);
  });
});

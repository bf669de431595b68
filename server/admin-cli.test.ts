import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLandlineClient } from "./client";
import { REPO_ROOT, spawnServer, type SpawnedServer } from "./test/spawn-server";

type Run = { code: number; stdout: string; stderr: string; lastLine: string };

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, lastLine: stdout.trimEnd().split("\n").at(-1) ?? "" });
    });
  });
}

let dataDir: string;
let server: SpawnedServer | undefined;
const admin = (...args: string[]) => run(["--import", "tsx", "server/admin-cli.ts", ...args], { LANDLINE_DATA_DIR: dataDir });

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-admin-cli-"));
});
afterAll(async () => {
  await server?.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run admin", () => {
  it("creates a user, an API token and an enrollment token that the real server then accepts", async () => {
    const user = await admin("create-user", "--email", "Ops@Example.com", "--password", "correct-horse-battery", "--role", "admin");
    expect(user).toMatchObject({ code: 0, lastLine: "OK" });
    expect(user.stdout).toContain("Created admin ops@example.com");

    const token = await admin("create-token", "--email", "ops@example.com", "--name", "ci", "--role", "deployer", "--expires-days", "7");
    expect(token.code).toBe(0);
    expect(token.lastLine).toMatch(/^llt_[\w-]{43}$/);
    const adminToken = (await admin("create-token", "--email", "ops@example.com", "--name", "ops")).lastLine;

    const enrollment = await admin("create-enrollment-token", "--name", "web", "--max-uses", "unlimited", "--tags", "env=prod,role=web");
    expect(enrollment.code).toBe(0);
    expect(enrollment.stdout).toContain("unlimited uses");
    expect(enrollment.lastLine).toMatch(/^lle_[\w-]{43}$/);

    server = await spawnServer({ dataDir });

    // The typed client as a script would use it: plain Node through tsx, imported by package name.
    const script = `
      import { createLandlineClient } from "landline/client";
      const client = createLandlineClient({ url: process.env.URL, token: process.env.TOKEN });
      console.log(JSON.stringify({ status: await client.auth.status.query(), tokens: await client.apiTokens.list.query() }));`;
    const scripted = await run(["--import", "tsx", "--input-type=module", "-e", script], { URL: server.url, TOKEN: token.lastLine });
    expect(scripted.stderr).toBe("");
    const { status, tokens } = JSON.parse(scripted.lastLine);
    expect(status).toMatchObject({ needsSetup: false, user: { email: "ops@example.com", role: "admin" } });
    expect(tokens.map((t: { name: string; role: string }) => [t.name, t.role]).sort()).toEqual([
      ["ci", "deployer"],
      ["ops", "admin"],
    ]);

    // The deployer-role token cannot do admin work; the admin one can, and sees what the command recorded.
    const deployerClient = createLandlineClient({ url: server.url, token: token.lastLine });
    await expect(deployerClient.users.list.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    expect((await deployerClient.enrollmentTokens.list.query())[0]).toMatchObject({
      name: "web",
      prefix: enrollment.lastLine.slice(0, 12),
      maxUses: null,
      status: "active",
      tags: [
        { key: "env", value: "prod" },
        { key: "role", value: "web" },
      ],
    });
    const adminClient = createLandlineClient({ url: `${server.url}/`, token: adminToken });
    const audit = await adminClient.auditLog.list.query({ actor: "admin-cli" });
    expect(audit.items.map((e) => e.action).sort()).toEqual(["apiTokens.create", "apiTokens.create", "enrollmentTokens.create", "users.create"]);
    expect(JSON.stringify(audit)).not.toContain(token.lastLine);
    expect(JSON.stringify(audit)).not.toContain("correct-horse-battery");

    const error = await createLandlineClient({ url: server.url, token: "llt_wrong" })
      .apiTokens.list.query()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error).toMatchObject({ data: { code: "UNAUTHORIZED", httpStatus: 401 } });
  });

  it("signs in over HTTP with the cookie the server sets", async () => {
    expect(server).toBeDefined();
    const signIn = await fetch(`${server!.url}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@example.com", password: "correct-horse-battery" }),
    });
    expect(signIn.status).toBe(200);
    const setCookie = signIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^landline_session=lls_[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const status = await fetch(`${server!.url}/api/trpc/auth.status`, { headers: { cookie: setCookie.split(";")[0] } });
    expect(await status.json()).toMatchObject({ result: { data: { user: { email: "ops@example.com" } } } });
  });

  it("fails with exit code 1 and a clear message on bad input", async () => {
    const [unknownEmail, badRole, weakPassword, duplicate] = await Promise.all([
      admin("create-token", "--email", "nobody@example.com", "--name", "x"),
      admin("create-user", "--email", "new@example.com", "--password", "long-enough-1", "--role", "superuser"),
      admin("reset-password", "--email", "ops@example.com", "--password", "short"),
      admin("create-user", "--email", "ops@example.com", "--password", "long-enough-1", "--role", "viewer"),
    ]);
    expect(unknownEmail).toMatchObject({ code: 1, stdout: "", stderr: "Error: No user with email nobody@example.com\n" });
    expect(badRole).toMatchObject({ code: 1, stdout: "" });
    expect(badRole.stderr).toMatch(/^Error: --role: .*"viewer"\|"deployer"\|"admin"/);
    expect(weakPassword).toMatchObject({ code: 1, stdout: "", stderr: "Error: --password: must be at least 8 characters\n" });
    expect(duplicate).toMatchObject({ code: 1, stderr: "Error: A user with email ops@example.com already exists\n" });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { Deps } from "../deps";
import { createTestDeps } from "../test/test-context";
import { bootstrapAdminFromEnv } from "./bootstrap";
import { listUsers, verifyCredentials } from "./users";

let deps: (Deps & { cleanup: () => void }) | undefined;
afterEach(() => deps?.cleanup());

const ADMIN_ENV = { LANDLINE_ADMIN_EMAIL: "Ops@Example.com", LANDLINE_ADMIN_PASSWORD: "bootstrap-secret-1" };

describe("bootstrapAdminFromEnv", () => {
  it("creates the admin once, logging a line without the password", async () => {
    deps = createTestDeps(ADMIN_ENV);
    const lines: string[] = [];
    await bootstrapAdminFromEnv(deps, (line) => lines.push(line));
    await bootstrapAdminFromEnv(deps, (line) => lines.push(line));
    expect(listUsers(deps.db)).toMatchObject([{ email: "ops@example.com", role: "admin", disabled: false }]);
    expect(await verifyCredentials(deps.db, "ops@example.com", "bootstrap-secret-1")).toMatchObject({ role: "admin" });
    expect(lines).toEqual(["Created admin ops@example.com from LANDLINE_ADMIN_EMAIL"]);
  });

  it("does nothing when a user already exists or the variables are unset", async () => {
    deps = createTestDeps();
    await bootstrapAdminFromEnv(deps, () => {});
    expect(listUsers(deps.db)).toEqual([]);

    deps.env = { ...deps.env, ...ADMIN_ENV };
    deps.env.LANDLINE_ADMIN_EMAIL = "first@example.com";
    await bootstrapAdminFromEnv(deps, () => {});
    deps.env.LANDLINE_ADMIN_EMAIL = "second@example.com";
    await bootstrapAdminFromEnv(deps, () => {});
    expect(listUsers(deps.db).map((u) => u.email)).toEqual(["first@example.com"]);
  });
});

import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../auth/principal";
import type { Deps } from "../deps";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { appRouter } from "./router";

// Walks every procedure of the app router, including ones added later, so a new endpoint cannot ship unguarded.
// At run time _def.procedures is flat ("users.create" -> procedure), whatever its declared type says.
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>).map(
  ([path, procedure]) => ({ path, type: procedure._def.type }),
);

/** Procedures anyone may call: the sign-in page and first-run setup. */
const PUBLIC = new Set(["auth.status", "auth.setup", "auth.signIn"]);
/** Mutations a viewer may make: on their own session, password and API tokens. */
const VIEWER_MUTATIONS = new Set(["auth.signOut", "auth.changePassword", "apiTokens.create", "apiTokens.revoke"]);

let deps: Deps & { cleanup: () => void };
let viewer: Principal;
beforeAll(() => {
  deps = createTestDeps();
  viewer = insertTestUser(deps, "viewer");
});
afterAll(() => deps.cleanup());

async function codeOf(principal: Principal | null, path: string): Promise<string> {
  const caller = callerFor(deps, principal);
  const procedure = path.split(".").reduce<any>((node, key) => node[key], caller); // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    await procedure(undefined);
    return "OK";
  } catch (err) {
    return err instanceof TRPCError ? err.code : String(err);
  }
}

describe("access control over every procedure", () => {
  it("finds the account procedures (the walk itself works)", () => {
    const paths = procedures.map((p) => p.path);
    for (const path of [...PUBLIC, ...VIEWER_MUTATIONS, "users.create", "auditLog.list", "enrollmentTokens.create"]) expect(paths).toContain(path);
    expect(procedures.find((p) => p.path === "users.create")?.type).toBe("mutation");
  });

  it.each(procedures.filter((p) => !PUBLIC.has(p.path)).map((p) => [p.path]))("answers an anonymous %s call with UNAUTHORIZED", async (path) => {
    expect(await codeOf(null, path)).toBe("UNAUTHORIZED");
  });

  it.each(procedures.filter((p) => p.type === "mutation" && !PUBLIC.has(p.path) && !VIEWER_MUTATIONS.has(p.path)).map((p) => [p.path]))(
    "answers a viewer's %s call with FORBIDDEN",
    async (path) => {
      expect(await codeOf(viewer, path)).toBe("FORBIDDEN");
    },
  );
});

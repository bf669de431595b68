import { parse as parseCookie } from "cookie";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolvePrincipal } from "../../auth/principal";
import { createSignInLimiter, DEFAULT_SIGN_IN_LIMITS } from "../../auth/sign-in-limiter";
import { createUser } from "../../auth/users";
import type { Deps } from "../../deps";
import { auditLog, sessions } from "../../storage/schema";
import { callerFor, createTestDeps } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
beforeEach(() => {
  deps = createTestDeps();
});
afterEach(() => deps.cleanup());

const PASSWORD = "correct-horse-battery";

function setCookieOf(caller: { responseHeaders: Record<string, string | string[]> }): string {
  const value = caller.responseHeaders["set-cookie"];
  expect(typeof value).toBe("string");
  return value as string;
}

/** What the browser would send back after receiving `setCookie`. */
function cookieHeader(setCookie: string): string {
  return setCookie.split(";")[0];
}

function principalFor(cookie: string) {
  return resolvePrincipal(deps.db, { cookie }, deps.now(), parseCookie);
}

async function signIn(email: string, password = PASSWORD, ip = "127.0.0.1") {
  const caller = callerFor(deps, null, { ip });
  const user = await caller.auth.signIn({ email, password });
  return { user, cookie: cookieHeader(setCookieOf(caller)) };
}

describe("first-run setup", () => {
  it("creates the first admin, signs them in, and is refused afterwards", async () => {
    const anon = callerFor(deps, null);
    expect(await anon.auth.status()).toEqual({ needsSetup: true, user: null });

    const admin = await anon.auth.setup({ email: "Owner@Example.com", name: "Owner", password: PASSWORD });
    expect(admin).toMatchObject({ email: "owner@example.com", name: "Owner", role: "admin" });
    const principal = principalFor(cookieHeader(setCookieOf(anon)));
    expect(principal).toMatchObject({ userId: admin.id, role: "admin", via: "session" });

    expect(await callerFor(deps, principal).auth.status()).toEqual({
      needsSetup: false,
      user: { id: admin.id, email: "owner@example.com", name: "Owner", role: "admin" },
    });
    await expect(callerFor(deps, null).auth.setup({ email: "intruder@example.com", password: PASSWORD })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(deps.db.select().from(auditLog).where(eq(auditLog.action, "auth.setup")).all()).toHaveLength(1);
  });

  it("lets only one of two simultaneous setups win", async () => {
    const results = await Promise.allSettled([
      callerFor(deps, null).auth.setup({ email: "a@example.com", password: PASSWORD }),
      callerFor(deps, null).auth.setup({ email: "b@example.com", password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });

  it("rejects a short password", async () => {
    await expect(callerFor(deps, null).auth.setup({ email: "a@example.com", password: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("sign-in and sign-out", () => {
  beforeEach(async () => {
    await createUser(deps.db, { email: "dev@example.com", role: "deployer", password: PASSWORD }, deps.now());
  });

  it("sets an httpOnly, SameSite=Lax session cookie that authenticates later requests", async () => {
    const caller = callerFor(deps, null);
    const user = await caller.auth.signIn({ email: " DEV@example.com ", password: PASSWORD });
    expect(user).toMatchObject({ email: "dev@example.com", role: "deployer" });
    const setCookie = setCookieOf(caller);
    expect(setCookie).toMatch(/^landline_session=lls_[\w-]+;/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).toContain(`Max-Age=${14 * 24 * 3600}`);
    expect(setCookie).not.toContain("Secure");
    expect(principalFor(cookieHeader(setCookie))).toMatchObject({ email: "dev@example.com", role: "deployer" });
  });

  it("marks the cookie Secure behind an https public URL", async () => {
    deps.cleanup();
    deps = createTestDeps({ LANDLINE_PUBLIC_URL: "https://deploy.example.com", LANDLINE_SESSION_DAYS: "1" });
    await createUser(deps.db, { email: "dev@example.com", role: "deployer", password: PASSWORD }, deps.now());
    const caller = callerFor(deps, null);
    await caller.auth.signIn({ email: "dev@example.com", password: PASSWORD });
    expect(setCookieOf(caller)).toContain("Secure");
    expect(setCookieOf(caller)).toContain(`Max-Age=${24 * 3600}`);
  });

  it("answers a wrong password and an unknown email with the same message", async () => {
    const wrongPassword = callerFor(deps, null).auth.signIn({ email: "dev@example.com", password: "not-the-password" });
    await expect(wrongPassword).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password" });
    const unknownEmail = callerFor(deps, null).auth.signIn({ email: "nobody@example.com", password: PASSWORD });
    await expect(unknownEmail).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password" });
    const failures = deps.db.select().from(auditLog).where(eq(auditLog.action, "auth.signInFailed")).all();
    expect(failures.map((f) => f.actor).sort()).toEqual(["dev@example.com", "nobody@example.com"]);
    expect(JSON.stringify(failures)).not.toContain("not-the-password");
  });

  it("sign-out deletes the session row, clears the cookie, and the old cookie stops working", async () => {
    const { cookie } = await signIn("dev@example.com");
    const principal = principalFor(cookie)!;
    expect(deps.db.select().from(sessions).all()).toHaveLength(1);

    const caller = callerFor(deps, principal);
    await caller.auth.signOut();
    expect(setCookieOf(caller)).toMatch(/^landline_session=;.*Max-Age=0/);
    expect(deps.db.select().from(sessions).all()).toHaveLength(0);
    expect(principalFor(cookie)).toBeNull();
    expect(
      deps.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .all()
        .map((r) => r.action),
    ).toEqual(["auth.signIn", "auth.signOut"]);
  });

  it("refuses a disabled account even with the right password", async () => {
    const admin = await createUser(deps.db, { email: "admin@example.com", role: "admin", password: PASSWORD }, deps.now());
    const dev = await signIn("dev@example.com");
    await callerFor(deps, principalFor((await signIn(admin.email)).cookie)).users.update({ id: dev.user.id, disabled: true });
    expect(principalFor(dev.cookie)).toBeNull();
    await expect(signIn("dev@example.com")).rejects.toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("disabled") });
  });
});

describe("sign-in rate limits", () => {
  beforeEach(async () => {
    await createUser(deps.db, { email: "dev@example.com", role: "deployer", password: PASSWORD }, deps.now());
  });

  it("blocks an account from one address after 5 failures, without checking the password", async () => {
    for (let i = 0; i < 5; i++) {
      await expect(signIn("dev@example.com", "wrong-password", "10.0.0.1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    const caller = callerFor(deps, null, { ip: "10.0.0.1" });
    const limited = caller.auth.signIn({ email: "dev@example.com", password: PASSWORD });
    await expect(limited).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/try again in 15 minutes/) });
    expect(caller.responseHeaders["retry-after"]).toMatch(/^\d+$/);
    expect(caller.responseHeaders["set-cookie"]).toBeUndefined();
    const reasons = deps.db.select({ details: auditLog.details }).from(auditLog).where(eq(auditLog.action, "auth.signInFailed")).all();
    expect(reasons.at(-1)?.details).toEqual({ reason: "rate-limited" });
    // Other accounts are unaffected.
    await createUser(deps.db, { email: "ops@example.com", role: "viewer", password: PASSWORD }, deps.now());
    await expect(signIn("ops@example.com", PASSWORD, "10.0.0.1")).resolves.toMatchObject({ user: { email: "ops@example.com" } });
  });

  it("does not let a stranger's failures from another address lock the user out", async () => {
    for (let i = 0; i < 6; i++) await signIn("dev@example.com", "wrong-password", "198.51.100.66").catch(() => {});
    await expect(signIn("dev@example.com", PASSWORD, "10.0.1.1")).resolves.toMatchObject({ user: { email: "dev@example.com" } });
  });

  it("brakes an account under attack from many addresses, yet lets an address that has not failed sign in", async () => {
    deps.services.signInLimiter = createSignInLimiter({ ...DEFAULT_SIGN_IN_LIMITS, accountBrake: 8 });
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 2; j++) await expect(signIn("dev@example.com", "wrong-password", `203.0.113.${i}`)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(signIn("dev@example.com", PASSWORD, "203.0.113.0")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(signIn("dev@example.com", "wrong-password", "203.0.113.99")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signIn("dev@example.com", "wrong-password", "203.0.113.99")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(signIn("dev@example.com", PASSWORD, "10.0.1.1")).resolves.toMatchObject({ user: { email: "dev@example.com" } });
  });

  it("counts parallel guesses before checking any password, so they cannot exceed the limit", async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => signIn("dev@example.com", "wrong-password")));
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "OK"));
    expect(codes.filter((c) => c === "UNAUTHORIZED")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(5);
  });

  it("forgets an account's failures after a successful sign-in", async () => {
    for (let i = 0; i < 4; i++) await expect(signIn("dev@example.com", "wrong-password")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await signIn("dev@example.com");
    for (let i = 0; i < 4; i++) await expect(signIn("dev@example.com", "wrong-password")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signIn("dev@example.com")).resolves.toBeDefined();
  });

  it("blocks an address after 20 failures across accounts, but not other addresses", async () => {
    for (let i = 0; i < 20; i++) {
      await expect(signIn(`guess${i}@example.com`, "wrong-password", "192.0.2.7")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(signIn("dev@example.com", PASSWORD, "192.0.2.7")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(signIn("dev@example.com", PASSWORD, "192.0.2.8")).resolves.toBeDefined();
  });
});

describe("changing one's own password", () => {
  it("needs the current password, ends the user's other sessions and keeps the current one", async () => {
    await createUser(deps.db, { email: "dev@example.com", role: "viewer", password: PASSWORD }, deps.now());
    const laptop = await signIn("dev@example.com");
    const phone = await signIn("dev@example.com");
    const caller = callerFor(deps, principalFor(laptop.cookie));

    await expect(caller.auth.changePassword({ currentPassword: "wrong-password", newPassword: "new-password-1" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await caller.auth.changePassword({ currentPassword: PASSWORD, newPassword: "new-password-1" });
    expect(principalFor(laptop.cookie)).not.toBeNull();
    expect(principalFor(phone.cookie)).toBeNull();
    await expect(signIn("dev@example.com")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signIn("dev@example.com", "new-password-1")).resolves.toBeDefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../test/spawn-server";
import { describePasswordWeakness } from "./password-strength";

const user = { email: "dana.ops@example.com", name: "Dana Whitfield" };

describe("describePasswordWeakness", () => {
  it.each<[string, string, RegExp | null]>([
    ["a run of digits is refused as a heavily used password", "12345678", /heavily used password/],
    ["one repeated character is refused", "aaaaaaaa", /Repeated characters/],
    ["the user's own email is refused", "dana.ops@example.com", /personal/],
    ["the user's name with a year is refused", "Whitfield1990", /personal/],
    ["a common word with a digit is refused", "password1", /commonly used password|heavily used password/],
    ["a keyboard walk is refused", "qwertyuiop", /too easy to guess/],
    ["the product's name is refused", "landline123", /too easy to guess/],
    ["a passphrase of uncommon words is accepted", "quiet-harbor-lantern-47", null],
    ["a long random string is accepted", "fT7#pq9!Lm2@xZ", null],
  ])("%s", (_name, password, expected) => {
    const weakness = describePasswordWeakness(password, user);
    if (expected === null) expect(weakness).toBeNull();
    else expect(weakness).toMatch(expected);
  });
});

describe("weak passwords on a real server", () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer();
  });
  afterAll(() => server.kill());

  it("refuses to start with a weak LANDLINE_ADMIN_PASSWORD and says why", async () => {
    const started = spawnServer({ adminEmail: "first@example.com", adminPassword: "12345678" });
    await expect(started).rejects.toThrow(/LANDLINE_ADMIN_PASSWORD: This password is too easy to guess\. This is a heavily used password/);
  });

  it("refuses a weak password when creating, resetting or changing one, with zxcvbn's advice", async () => {
    const signIn = await fetch(`${server.url}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify(TEST_ADMIN),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
    const call = async (procedure: string, input: unknown) => {
      const reply = await fetch(`${server.url}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url, cookie },
        body: JSON.stringify(input),
      });
      return { status: reply.status, message: ((await reply.json()) as { error?: { message: string } }).error?.message };
    };
    expect(await call("users.create", { email: "sam@example.com", role: "viewer", password: "sam@example.com" })).toEqual({
      status: 400,
      message: expect.stringMatching(/too easy to guess\. There should not be any personal/),
    });
    expect(await call("users.create", { email: "sam@example.com", role: "viewer", password: "aaaaaaaa" })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/Repeated characters/),
    });
    const created = await call("users.create", { email: "sam@example.com", role: "viewer", password: "quiet-harbor-lantern-47" });
    expect(created.status).toBe(200);
    const users = await fetch(`${server.url}/api/trpc/users.list`, { headers: { cookie } });
    const samId = ((await users.json()) as { result: { data: { id: string; email: string }[] } }).result.data.find((u) => u.email === "sam@example.com")!.id;
    expect(await call("users.resetPassword", { id: samId, password: "12345678" })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/heavily used password/),
    });
    expect(await call("auth.changePassword", { currentPassword: TEST_ADMIN.password, newPassword: "admin@example.com" })).toMatchObject({
      status: 400,
      message: expect.stringMatching(/too easy to guess/),
    });
    expect(await call("auth.changePassword", { currentPassword: TEST_ADMIN.password, newPassword: "amber-valley-teapot-19" })).toMatchObject({ status: 200 });
  });
});

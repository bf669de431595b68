import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import { uploadRevision } from "../../bundles/upload-revision";
import type { Deps } from "../../deps";
import { applications, users } from "../../storage/schema";
import { archiveOf, testAppSpec, validBundleEntries } from "../../test/test-archives";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";

let deps: Deps & { cleanup: () => void };
let uploader: Principal;
const ids: string[] = [];

async function uploadAt(at: number, n: number, applicationName = "web"): Promise<string> {
  const entries = validBundleEntries().map((e) =>
    e.name === "appspec.yml" ? { ...e, body: `${testAppSpec({ ApplicationStart: "scripts/start.sh", ValidateService: "scripts/start.sh" })}# ${n}\n` } : e,
  );
  const body = Readable.from([await archiveOf("zip", entries)]);
  const { result } = await uploadRevision(
    { ...deps, now: () => at },
    { principal: uploader, ip: null },
    { applicationName, description: `build ${n}`, claimedType: "zip" },
    body,
  );
  return result.revisionId;
}

beforeAll(async () => {
  deps = createTestDeps();
  deps.db
    .insert(applications)
    .values([
      { id: randomUUID(), name: "web" },
      { id: randomUUID(), name: "api" },
    ])
    .run();
  uploader = insertTestUser(deps, "deployer", "builder@example.com");
  // Two uploads share a timestamp, so the id breaks the tie.
  for (const [n, at] of [1000, 2000, 2000, 3000, 4000].entries()) ids.push(await uploadAt(at, n));
  await uploadAt(5000, 99, "api");
});

afterAll(() => deps.cleanup());

describe("revisions.list", () => {
  it("lists an application's revisions newest first with who uploaded them and which hooks they carry", async () => {
    const page = await callerFor(deps, insertTestUser(deps, "viewer")).revisions.list({ applicationName: "web", limit: 10 });
    expect(page.items).toHaveLength(5);
    expect(page.items.map((r) => r.createTime)).toEqual([4000, 3000, 2000, 2000, 1000]);
    expect(page.items[0]).toMatchObject({
      revisionId: ids[4],
      applicationName: "web",
      description: "build 4",
      bundleType: "zip",
      uploadedBy: { userId: uploader.userId, email: "builder@example.com" },
      hooks: ["ApplicationStart", "ValidateService"],
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(page.nextCursor).toBeNull();
  });

  it("pages through every revision exactly once with the cursor", async () => {
    const caller = callerFor(deps, insertTestUser(deps, "viewer"));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await caller.revisions.list({ applicationName: "web", limit: 2, cursor });
      seen.push(...page.items.map((r) => r.revisionId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it("answers NOT_FOUND for an unknown application", async () => {
    await expect(callerFor(deps, insertTestUser(deps, "viewer")).revisions.list({ applicationName: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("needs a signed-in caller", async () => {
    await expect(callerFor(deps, null).revisions.list({ applicationName: "web" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("shows uploadedBy as null once the uploader is deleted", async () => {
    const other = insertTestUser(deps, "deployer");
    const saved = uploader;
    uploader = other;
    const id = await uploadAt(9000, 42, "api");
    uploader = saved;
    deps.db.delete(users).where(eq(users.id, other.userId)).run();
    const detail = await callerFor(deps, insertTestUser(deps, "viewer")).revisions.get({ revisionId: id });
    expect(detail.uploadedBy).toBeNull();
  });
});

describe("revisions.get", () => {
  it("adds the appspec and where it sits in the bundle", async () => {
    const detail = await callerFor(deps, insertTestUser(deps, "viewer")).revisions.get({ revisionId: ids[0] });
    expect(detail).toMatchObject({ revisionId: ids[0], bundleRoot: "", appSpecPath: "appspec.yml", description: "build 0" });
    expect(detail.appSpec.files).toEqual([{ source: "app", destination: "/opt/app" }]);
  });

  it("answers NOT_FOUND for an unknown revision", async () => {
    await expect(callerFor(deps, insertTestUser(deps, "viewer")).revisions.get({ revisionId: "r-NOPE00000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

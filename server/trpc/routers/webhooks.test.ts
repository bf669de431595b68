import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import type { Role } from "../../contracts/resources";
import type { Deps } from "../../deps";
import { createNotifier } from "../../notifications/notifier";
import { auditLog, webhookDeliveries } from "../../storage/schema";
import { expectRoleRequired, insertTestDeployment, insertTestRevision } from "../../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../../test/test-context";
import { startWebhookReceiver } from "../../test/webhook-receiver";
import { waitFor } from "../../test/wait-for";

let deps: Deps & { cleanup: () => void };
let deployer: Principal;
let admin: Principal;
let deploymentId: string;

const slackUrl = "https://hooks.slack.example/services/T000/B000/very-secret-path";

beforeEach(async () => {
  deps = createTestDeps();
  deployer = insertTestUser(deps, "deployer");
  admin = insertTestUser(deps, "admin");
  const caller = callerFor(deps, deployer);
  const app = await caller.applications.create({ applicationName: "shop" });
  const group = await caller.deploymentGroups.create({ applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [] });
  const { revisionId } = insertTestRevision(deps, app.applicationId);
  ({ deploymentId } = insertTestDeployment(deps, {
    applicationId: app.applicationId,
    deploymentGroupId: group.deploymentGroupId,
    revisionId,
    status: "InProgress",
  }));
});
afterEach(() => deps.cleanup());

const ref = { applicationName: "shop", deploymentGroupName: "prod" };

describe("roles", () => {
  it.each<[string, Role, (c: ReturnType<typeof callerFor>) => Promise<unknown>]>([
    ["list needs deployer (URLs can hold credentials)", "deployer", (c) => c.webhooks.list(ref)],
    [
      "create needs deployer",
      "deployer",
      (c) => c.webhooks.create({ ...ref, name: `w-${Math.random()}`, url: "https://example.com/h", events: ["DeploymentStart"], format: "json" }),
    ],
    ["update needs deployer", "deployer", (c) => c.webhooks.update({ webhookId: "missing", enabled: false })],
    ["delete needs deployer", "deployer", (c) => c.webhooks.delete({ webhookId: "missing" })],
    ["deliveries needs admin", "admin", (c) => c.webhooks.deliveries({ webhookId: "missing" })],
    ["redeliver needs admin", "admin", (c) => c.webhooks.redeliver({ deliveryId: "missing" })],
  ])("%s", async (_name, role, call) => {
    await expectRoleRequired(deps, role, call);
  });
});

describe("webhooks", () => {
  it("returns the signing secret only when created or rotated, and never writes it or the URL path to the audit log", async () => {
    const caller = callerFor(deps, deployer);
    const created = await caller.webhooks.create({ ...ref, name: "slack", url: slackUrl, events: ["DeploymentFailure", "DeploymentFailure"], format: "slack" });
    expect(created.secret).toMatch(/^llw_[A-Za-z0-9_-]{40,}$/);
    expect(created.webhook).toMatchObject({ name: "slack", url: slackUrl, events: ["DeploymentFailure"], format: "slack", enabled: true });
    expect(created.webhook.secretPrefix).toBe(created.secret.slice(0, 10));

    const listed = await caller.webhooks.list(ref);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const rotated = await caller.webhooks.update({
      webhookId: created.webhook.id,
      rotateSecret: true,
      url: "https://hooks.slack.example/services/other-secret",
    });
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secret).toMatch(/^llw_/);
    const untouched = await caller.webhooks.update({ webhookId: created.webhook.id, name: "alerts" });
    expect(untouched.secret).toBeNull();

    await caller.webhooks.delete({ webhookId: created.webhook.id });
    expect(await caller.webhooks.list(ref)).toEqual([]);

    const audit = deps.db.select().from(auditLog).where(eq(auditLog.resourceType, "webhook")).all();
    expect(audit.map((a) => a.action)).toEqual(["webhooks.create", "webhooks.update", "webhooks.update", "webhooks.delete"]);
    const written = JSON.stringify(audit);
    expect(written).toContain("https://hooks.slack.example");
    for (const secret of ["very-secret-path", "other-secret", created.secret, rotated.secret!]) expect(written).not.toContain(secret);
  });

  it("refuses a second webhook with the same name in a group, a non-http URL and an empty event list", async () => {
    const caller = callerFor(deps, deployer);
    const input = { ...ref, name: "ops", url: "https://example.com/h", events: ["DeploymentStart" as const], format: "json" as const };
    await caller.webhooks.create(input);
    await expect(caller.webhooks.create(input)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(caller.webhooks.create({ ...input, name: "x", url: "file:///etc/passwd" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.webhooks.create({ ...input, name: "y", events: [] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.webhooks.list({ applicationName: "shop", deploymentGroupName: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows admins each delivery's outcome page by page and redelivers one on request", async () => {
    const receiver = await startWebhookReceiver((n) => (n === 0 ? 500 : 200));
    const notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, { retryDelaysMs: [], pollIntervalMs: 20 });
    deps.services.notifier = notifier;
    try {
      const { webhook } = await callerFor(deps, deployer).webhooks.create({
        ...ref,
        name: "ops",
        url: receiver.url,
        events: ["DeploymentStart", "DeploymentSuccess"],
        format: "json",
      });
      notifier.start();
      notifier.notify({ type: "DeploymentStart", deploymentId });
      await receiver.waitFor(1);
      notifier.notify({ type: "DeploymentSuccess", deploymentId });
      await receiver.waitFor(2);

      const adminCaller = callerFor(deps, admin);
      const waitSettled = () =>
        waitFor(
          () =>
            deps.db
              .select()
              .from(webhookDeliveries)
              .all()
              .every((r) => r.status !== "pending"),
          { timeoutMs: 10_000, what: "every delivery to settle" },
        );
      await waitSettled();
      const page1 = await adminCaller.webhooks.deliveries({ webhookId: webhook.id, limit: 1 });
      expect(page1.items).toMatchObject([{ eventType: "DeploymentSuccess", status: "succeeded", attempts: 1, responseCode: 200 }]);
      const page2 = await adminCaller.webhooks.deliveries({ webhookId: webhook.id, limit: 1, cursor: page1.nextCursor! });
      expect(page2.items).toMatchObject([
        { eventType: "DeploymentStart", status: "failed", attempts: 1, responseCode: 500, lastError: "HTTP 500: receiver says no" },
      ]);
      expect(page2.nextCursor).toBeNull();

      const again = await adminCaller.webhooks.redeliver({ deliveryId: page2.items[0].id });
      expect(again).toMatchObject({ eventType: "DeploymentStart", status: "pending", attempts: 0 });
      const [first, , third] = await receiver.waitFor(3);
      expect(third.body).toBe(first.body);
      expect(third.headers["landline-delivery"]).toBe(again.id);
      await waitSettled();
      expect((await adminCaller.webhooks.deliveries({ webhookId: webhook.id })).items[0]).toMatchObject({ id: again.id, status: "succeeded" });
    } finally {
      notifier.stop();
      await receiver.close();
    }
  });
});

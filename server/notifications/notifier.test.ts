import v8 from "node:v8";
import vm from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createApplication } from "../catalog/applications";
import { createDeploymentGroup } from "../catalog/deployment-groups";
import type { TriggerEventType } from "../contracts/webhooks";
import type { Deps } from "../deps";
import { deployments, webhookDeliveries, webhookTargets } from "../storage/schema";
import { insertTestDeployment, insertTestHost, insertTestRevision } from "../test/catalog-fixtures";
import { callerFor, createTestDeps, insertTestUser } from "../test/test-context";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { createNotifier, type Notifier } from "./notifier";
import type { NotificationPayload } from "./notification-payload";
import { verifyWebhookSignature } from "./webhook-signature";
import { waitFor } from "../test/wait-for";

let deps: Deps & { cleanup: () => void };
let receiver: WebhookReceiver | null;
let notifier: Notifier | null;
let deploymentId: string;
let targetIds: string[];

const fast = { retryDelaysMs: [100, 100], pollIntervalMs: 20, timeoutMs: 2_000 };

beforeEach(() => {
  receiver = null;
  notifier = null;
  seedDeployment({});
});

/** A fresh database with one application, group, host and failed-target deployment. */
function seedDeployment(env: Record<string, string>) {
  deps = createTestDeps({ LANDLINE_PUBLIC_URL: "https://deploy.example.com", ...env });
  const now = Date.now();
  const app = createApplication(deps.db, { applicationName: "shop" }, now);
  const group = createDeploymentGroup(
    deps.db,
    { applicationName: "shop", deploymentGroupName: "prod", onPremisesTagSet: [[{ key: "env", value: "prod", type: "KEY_AND_VALUE" }]] },
    now,
  );
  const { hostId } = insertTestHost(deps, "web-1", [{ key: "env", value: "prod" }], { online: true });
  const { revisionId } = insertTestRevision(deps, app.applicationId);
  ({ deploymentId, targetIds } = insertTestDeployment(deps, {
    applicationId: app.applicationId,
    deploymentGroupId: group.deploymentGroupId,
    revisionId,
    status: "InProgress",
    targets: [{ hostId, hostName: "web-1", status: "Failed" }],
  }));
}

afterEach(async () => {
  notifier?.stop();
  await receiver?.close();
  deps.cleanup();
});

async function addWebhook(url: string, events: TriggerEventType[], format: "json" | "slack" = "json", name = "ops") {
  const caller = callerFor(deps, insertTestUser(deps, "deployer"));
  return caller.webhooks.create({ applicationName: "shop", deploymentGroupName: "prod", name, url, events, format });
}

function deliveriesOf(webhookId: string) {
  return deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).all();
}

describe("webhook notifications", () => {
  it("delivers each subscribed event in order, signed with the webhook's secret, and nothing unsubscribed", async () => {
    receiver = await startWebhookReceiver();
    const other = await startWebhookReceiver();
    const { webhook, secret } = await addWebhook(receiver.url, ["DeploymentStart", "InstanceFailure", "DeploymentFailure"]);
    await addWebhook(other.url, ["DeploymentSuccess"], "json", "success-only");
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();

    notifier.notify({ type: "DeploymentStart", deploymentId });
    notifier.notify({ type: "InstanceStart", deploymentId, targetId: targetIds[0] });
    notifier.notify({ type: "InstanceFailure", deploymentId, targetId: targetIds[0] });
    deps.db
      .update(deployments)
      .set({ status: "Failed", completedAt: Date.now(), errorCode: "HEALTH_CONSTRAINTS", errorMessage: "too many hosts failed" })
      .run();
    notifier.notify({ type: "DeploymentFailure", deploymentId });

    const got = await receiver.waitFor(3);
    // That no fourth request and nothing for the other webhook arrives is the behaviour under test: give them time to.
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(3);
    expect(other.received).toHaveLength(0);
    await other.close();

    expect(got.map((r) => r.headers["landline-event"])).toEqual(["DeploymentStart", "InstanceFailure", "DeploymentFailure"]);
    for (const r of got) {
      expect(verifyWebhookSignature(secret, r.body, r.headers["landline-signature"] as string)).toBe(true);
      expect(verifyWebhookSignature("llw_wrong", r.body, r.headers["landline-signature"] as string)).toBe(false);
      expect(verifyWebhookSignature(secret, r.body + " ", r.headers["landline-signature"] as string)).toBe(false);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    const delivered = deliveriesOf(webhook.id);
    expect(new Set(got.map((r) => r.headers["landline-delivery"]))).toEqual(new Set(delivered.map((d) => d.id)));

    const [start, instance, failure] = got.map((r) => JSON.parse(r.body) as NotificationPayload);
    expect(start).toMatchObject({
      eventTriggerName: "ops",
      applicationName: "shop",
      deploymentGroupName: "prod",
      deploymentId,
      status: "InProgress",
      completeTime: null,
    });
    expect(start.deploymentUrl).toBe(`https://deploy.example.com/deployments/${deploymentId}`);
    expect(instance).toMatchObject({ hostName: "web-1", targetId: targetIds[0], instanceStatus: "Failed" });
    expect(instance.lifecycleEvents?.[0]).toMatchObject({ LifecycleEvent: "BeforeInstall" });
    expect(failure).toMatchObject({
      status: "Failed",
      errorInformation: { ErrorCode: "HEALTH_CONSTRAINTS", ErrorMessage: "too many hosts failed" },
      deploymentOverview: { Failed: 1, Succeeded: 0, InProgress: 0, Pending: 0, Skipped: 0 },
    });
    expect(failure.completeTime).toEqual(expect.any(Number));
  });

  it("retries a delivery the receiver refused and records both attempts", async () => {
    receiver = await startWebhookReceiver((n) => (n === 0 ? 500 : 200));
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });

    const [first, second] = await receiver.waitFor(2);
    expect(second.headers["landline-delivery"]).toBe(first.headers["landline-delivery"]);
    expect(second.body).toBe(first.body);
    expect(second.at - first.at).toBeGreaterThanOrEqual(90);
    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "succeeded", { timeoutMs: 20_000, what: "the delivery to be succeeded" });
    expect(deliveriesOf(webhook.id)[0]).toMatchObject({ attempts: 2, responseCode: 200, lastError: null, nextAttemptAt: null });
  });

  it("gives up after the last scheduled attempt and keeps the receiver's answer as the error", async () => {
    receiver = await startWebhookReceiver(() => 503);
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });

    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "failed", { timeoutMs: 20_000, what: "the delivery to be failed" });
    expect(receiver.received).toHaveLength(3);
    expect(deliveriesOf(webhook.id)[0]).toMatchObject({ attempts: 3, responseCode: 503, lastError: "HTTP 503: receiver says no", nextAttemptAt: null });
  });

  it("times out a receiver that never answers without slowing down notify", async () => {
    receiver = await startWebhookReceiver(() => "hang");
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, { ...fast, retryDelaysMs: [], timeoutMs: 300 });
    notifier.start();
    const started = performance.now();
    notifier.notify({ type: "DeploymentStart", deploymentId });
    expect(performance.now() - started).toBeLessThan(50);

    // Collect garbage while waiting: on Node 20 an AbortSignal.any() of a timeout signal can be collected and never fire.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const collecting = setInterval(gc, 10);
    try {
      await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "failed", { timeoutMs: 20_000, what: "the delivery to be failed" });
    } finally {
      clearInterval(collecting);
    }
    expect(deliveriesOf(webhook.id)[0]).toMatchObject({ attempts: 1, responseCode: null, lastError: "timed out after 0.3 s" });
  });

  it("resolves receiver names when connecting, and reaches a name that resolves to an allowed address", async () => {
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url.replace("127.0.0.1", "localhost"), ["DeploymentStart"]);
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });
    await receiver.waitFor(1);
    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "succeeded", { timeoutMs: 20_000, what: "the delivery to be succeeded" });
  });

  it("refuses link-local receivers such as cloud metadata services, when saved and when delivering", async () => {
    await expect(addWebhook("http://169.254.169.254/latest/meta-data/", ["DeploymentStart"])).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/link-local/),
    });
    await expect(addWebhook("http://[fe80::1]:8080/hook", ["DeploymentStart"])).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // A row saved before the rule (or edited in the database) is still never contacted.
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    deps.db.update(webhookTargets).set({ url: "http://169.254.169.254/latest/meta-data/" }).where(eq(webhookTargets.id, webhook.id)).run();
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, { ...fast, retryDelaysMs: [] });
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });
    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "failed", { timeoutMs: 20_000, what: "the delivery to be failed" });
    expect(deliveriesOf(webhook.id)[0]).toMatchObject({
      attempts: 1,
      responseCode: null,
      lastError: expect.stringMatching(/^169\.254\.169\.254, a link-local address .*webhooks may not reach/),
    });
  });

  const metadataForms = [
    ["IPv4-mapped", "http://[::ffff:169.254.169.254]/latest/meta-data/", "[::ffff:a9fe:a9fe]"],
    ["NAT64", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "[64:ff9b::a9fe:a9fe]"],
    ["IPv4-compatible", "http://[::169.254.169.254]/latest/meta-data/", "[::a9fe:a9fe]"],
  ] as const;

  it.each(metadataForms)("refuses the metadata service spelled in %s form when saved", async (_form, url) => {
    await expect(addWebhook(url, ["DeploymentStart"])).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/link-local/) });
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    const caller = callerFor(deps, insertTestUser(deps, "deployer"));
    await expect(caller.webhooks.update({ webhookId: webhook.id, url })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it.each(metadataForms)("never contacts the metadata service spelled in %s form when delivering", async (_form, url, normalized) => {
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    deps.db.update(webhookTargets).set({ url }).where(eq(webhookTargets.id, webhook.id)).run();
    const { webhook: allowed } = await addWebhook(receiver.url, ["DeploymentStart"], "json", "allowed");
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, { ...fast, retryDelaysMs: [] });
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });
    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "failed", { timeoutMs: 20_000, what: "the delivery to be failed" });
    expect(deliveriesOf(webhook.id)[0]).toMatchObject({
      attempts: 1,
      responseCode: null,
      lastError: `${normalized}, a link-local address (where cloud metadata services answer) webhooks may not reach`,
    });
    await waitFor(() => deliveriesOf(allowed.id)[0]?.status === "succeeded", { timeoutMs: 20_000, what: "the delivery to be succeeded" });
  });

  it("with LANDLINE_WEBHOOK_PUBLIC_ONLY refuses loopback and private receivers when saved, and names that resolve to them when delivering", async () => {
    deps.cleanup();
    seedDeployment({ LANDLINE_WEBHOOK_PUBLIC_ONLY: "true" });
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://[::1]:8080/hook",
      "http://10.0.0.5/hook",
      "http://192.168.1.10/hook",
      "http://[::ffff:7f00:1]/hook",
      "http://[fd12::1]/hook",
    ]) {
      await expect(addWebhook(url, ["DeploymentStart"]), url).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(/loopback|private/),
      });
    }
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url.replace("127.0.0.1", "localhost"), ["DeploymentStart"]);
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, { ...fast, retryDelaysMs: [] });
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });
    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "failed", { timeoutMs: 20_000, what: "the delivery to be failed" });
    expect(deliveriesOf(webhook.id)[0].lastError).toMatch(/^EFORBIDDEN: localhost resolves to .*, a loopback address webhooks may not reach/);
    expect(receiver.received).toHaveLength(0);
  });

  it("sends deliveries recorded before a restart once the loop starts again", async () => {
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    const beforeRestart = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    beforeRestart.notify({ type: "DeploymentStart", deploymentId });
    expect(deliveriesOf(webhook.id)).toMatchObject([{ status: "pending", attempts: 0 }]);
    expect(receiver.received).toHaveLength(0);

    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();
    await receiver.waitFor(1);
    await waitFor(() => deliveriesOf(webhook.id)[0]?.status === "succeeded", { timeoutMs: 20_000, what: "the delivery to be succeeded" });
  });

  it("renders a Slack message for slack webhooks", async () => {
    receiver = await startWebhookReceiver();
    await addWebhook(receiver.url, ["InstanceFailure"], "slack");
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();
    notifier.notify({ type: "InstanceFailure", deploymentId, targetId: targetIds[0] });

    const [r] = await receiver.waitFor(1);
    const message = JSON.parse(r.body) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(message.text).toBe(`Deployment ${deploymentId} (shop / prod) failed on host web-1`);
    expect(message.blocks[0].type).toBe("section");
    expect(message.blocks[0].text?.text).toContain(`<https://deploy.example.com/deployments/${deploymentId}|Deployment ${deploymentId}>`);
  });

  it("does not deliver to a disabled webhook", async () => {
    receiver = await startWebhookReceiver();
    const { webhook } = await addWebhook(receiver.url, ["DeploymentStart"]);
    await callerFor(deps, insertTestUser(deps, "deployer")).webhooks.update({ webhookId: webhook.id, enabled: false });
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, fast);
    notifier.start();
    notifier.notify({ type: "DeploymentStart", deploymentId });
    // That nothing is delivered is the behaviour under test: give a wrong delivery time to arrive.
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(0);
    expect(deliveriesOf(webhook.id)).toHaveLength(0);
  });
});

describe("delivery history", () => {
  it("deletes finished deliveries older than the retention and keeps recent and pending ones", async () => {
    const { webhook } = await addWebhook("http://127.0.0.1:9/unused", ["DeploymentStart"]);
    const day = 24 * 60 * 60 * 1000;
    const base = { webhookId: webhook.id, eventType: "DeploymentStart" as const, deploymentId, body: "{}" };
    deps.db
      .insert(webhookDeliveries)
      .values([
        { ...base, id: "old-done", status: "succeeded", completedAt: Date.now() - 31 * day, createdAt: Date.now() - 31 * day },
        { ...base, id: "old-failed", status: "failed", completedAt: Date.now() - 40 * day, createdAt: Date.now() - 40 * day },
        { ...base, id: "recent", status: "succeeded", completedAt: Date.now() - day, createdAt: Date.now() - day },
        { ...base, id: "waiting", status: "pending", nextAttemptAt: Date.now() + day, createdAt: Date.now() - 40 * day },
      ])
      .run();
    notifier = createNotifier({ ...deps, metrics: deps.services.metrics }, { ...fast, retentionMs: 30 * day });
    notifier.start();
    await waitFor(() => deliveriesOf(webhook.id).length === 2, { timeoutMs: 20_000, what: "two deliveries" });
    expect(
      deliveriesOf(webhook.id)
        .map((d) => d.id)
        .sort(),
    ).toEqual(["recent", "waiting"]);
  });
});

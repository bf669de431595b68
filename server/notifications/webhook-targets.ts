import { randomUUID } from "node:crypto";
import { and, desc, eq, lt } from "drizzle-orm";
import type { z } from "zod";
import type { AuditActor } from "../orchestrator/ports";
import { recordAudit } from "../storage/audit-rows";
import { generateSecret } from "../auth/secrets";
import { requireApplication } from "../storage/catalog-rows";
import type { DeploymentGroupRef } from "../contracts/catalog";
import { webhookAddressRefusal, type WebhookAddressRules } from "../contracts/webhook-address";
import type { createWebhookInputSchema, listDeliveriesInputSchema, updateWebhookInputSchema, WebhookDeliveryView, WebhookView } from "../contracts/webhooks";
import type { Deps } from "../deps";
import { conflict, DomainError, invalid, notFound } from "../domain-errors";
import type { Env } from "../env";
import type { Db } from "../storage/database";
import { applications, deploymentGroups, webhookDeliveries, webhookDeliverySeq, webhookTargets } from "../storage/schema";

export const WEBHOOK_SECRET_PREFIX = "llw";
/** "llw_" plus 6 secret characters: enough to tell secrets apart. */
const SECRET_PREFIX_LENGTH = WEBHOOK_SECRET_PREFIX.length + 1 + 6;

type WebhookRow = typeof webhookTargets.$inferSelect;

function requireGroup(db: Db, ref: DeploymentGroupRef): { id: string } {
  const application = requireApplication(db, ref.applicationName);
  const group = db
    .select({ id: deploymentGroups.id })
    .from(deploymentGroups)
    .where(and(eq(deploymentGroups.applicationId, application.id), eq(deploymentGroups.name, ref.deploymentGroupName)))
    .get();
  if (!group)
    throw new DomainError("NOT_FOUND", `Deployment group ${ref.deploymentGroupName} does not exist in application ${ref.applicationName}`, {
      field: "deploymentGroupName",
    });
  return group;
}

function loadWebhook(db: Db, webhookId: string): { row: WebhookRow; applicationName: string; deploymentGroupName: string } {
  const found = db
    .select({ row: webhookTargets, applicationName: applications.name, deploymentGroupName: deploymentGroups.name })
    .from(webhookTargets)
    .innerJoin(deploymentGroups, eq(deploymentGroups.id, webhookTargets.deploymentGroupId))
    .innerJoin(applications, eq(applications.id, deploymentGroups.applicationId))
    .where(eq(webhookTargets.id, webhookId))
    .get();
  if (!found) throw notFound(`Webhook ${webhookId}`);
  return found;
}

function describeWebhook(found: { row: WebhookRow; applicationName: string; deploymentGroupName: string }): WebhookView {
  const { row } = found;
  return {
    id: row.id,
    applicationName: found.applicationName,
    deploymentGroupName: found.deploymentGroupName,
    name: row.name,
    url: row.url,
    events: row.events,
    format: row.format,
    enabled: row.enabled,
    secretPrefix: row.secret.slice(0, SECRET_PREFIX_LENGTH),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Receiver URLs can carry credentials (Slack's do); audit entries keep only the origin. */
function urlOrigin(url: string): string {
  return new URL(url).origin;
}

export function webhookAddressRulesOf(env: Env): WebhookAddressRules {
  return { publicOnly: env.LANDLINE_WEBHOOK_PUBLIC_ONLY === "true" };
}

/** The contract schema holds the rule every server shares; this adds the server's own setting. */
function assertUrlReachable(env: Env, url: string): void {
  const refusal = webhookAddressRefusal(new URL(url).hostname, webhookAddressRulesOf(env));
  if (refusal) throw invalid(`url: must not point at ${refusal}`, { field: "url" });
}

function assertNameFree(db: Db, deploymentGroupId: string, name: string, exceptId?: string): void {
  const taken = db
    .select({ id: webhookTargets.id })
    .from(webhookTargets)
    .where(and(eq(webhookTargets.deploymentGroupId, deploymentGroupId), eq(webhookTargets.name, name)))
    .get();
  if (taken && taken.id !== exceptId) throw conflict(`A webhook named ${name} already exists in this deployment group`, { field: "name" });
}

export function listWebhooks(db: Db, ref: DeploymentGroupRef): WebhookView[] {
  const group = requireGroup(db, ref);
  return db
    .select()
    .from(webhookTargets)
    .where(eq(webhookTargets.deploymentGroupId, group.id))
    .orderBy(webhookTargets.name)
    .all()
    .map((row) => describeWebhook({ row, ...ref }));
}

/** Creates a webhook; the signing secret is returned here and never again. */
export function createWebhook(deps: Deps, who: AuditActor, input: z.output<typeof createWebhookInputSchema>): { webhook: WebhookView; secret: string } {
  const now = deps.now();
  return deps.db.transaction(
    () => {
      const group = requireGroup(deps.db, input);
      assertNameFree(deps.db, group.id, input.name);
      assertUrlReachable(deps.env, input.url);
      const id = randomUUID();
      const secret = generateSecret(WEBHOOK_SECRET_PREFIX);
      deps.db
        .insert(webhookTargets)
        .values({
          id,
          deploymentGroupId: group.id,
          name: input.name,
          url: input.url,
          secret,
          events: input.events,
          format: input.format,
          createdBy: who.principal?.userId ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      const webhook = describeWebhook(loadWebhook(deps.db, id));
      recordAudit(
        deps.db,
        who,
        {
          action: "webhooks.create",
          resourceType: "webhook",
          resourceId: id,
          details: {
            applicationName: input.applicationName,
            deploymentGroupName: input.deploymentGroupName,
            name: input.name,
            urlOrigin: urlOrigin(input.url),
            events: input.events,
            format: input.format,
          },
        },
        now,
      );
      return { webhook, secret };
    },
    { behavior: "immediate" },
  );
}

/** Changes a webhook; with rotateSecret the new secret is returned once. */
export function updateWebhook(deps: Deps, who: AuditActor, input: z.output<typeof updateWebhookInputSchema>): { webhook: WebhookView; secret: string | null } {
  const now = deps.now();
  return deps.db.transaction(
    () => {
      const { row } = loadWebhook(deps.db, input.webhookId);
      if (input.name !== undefined) assertNameFree(deps.db, row.deploymentGroupId, input.name, row.id);
      if (input.url !== undefined) assertUrlReachable(deps.env, input.url);
      const secret = input.rotateSecret ? generateSecret(WEBHOOK_SECRET_PREFIX) : null;
      deps.db
        .update(webhookTargets)
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(input.url !== undefined && { url: input.url }),
          ...(input.events !== undefined && { events: input.events }),
          ...(input.format !== undefined && { format: input.format }),
          ...(input.enabled !== undefined && { enabled: input.enabled }),
          ...(secret !== null && { secret }),
          updatedAt: now,
        })
        .where(eq(webhookTargets.id, row.id))
        .run();
      const updated = loadWebhook(deps.db, row.id);
      const { webhookId: _id, url, ...changes } = input;
      recordAudit(
        deps.db,
        who,
        {
          action: "webhooks.update",
          resourceType: "webhook",
          resourceId: row.id,
          details: {
            applicationName: updated.applicationName,
            deploymentGroupName: updated.deploymentGroupName,
            name: updated.row.name,
            changes: { ...changes, ...(url !== undefined && { urlOrigin: urlOrigin(url) }) },
          },
        },
        now,
      );
      return { webhook: describeWebhook(updated), secret };
    },
    { behavior: "immediate" },
  );
}

/** Deletes a webhook and its delivery history. */
export function deleteWebhook(deps: Deps, who: AuditActor, webhookId: string): { webhookId: string } {
  return deps.db.transaction(
    () => {
      const found = loadWebhook(deps.db, webhookId);
      deps.db.delete(webhookTargets).where(eq(webhookTargets.id, webhookId)).run();
      recordAudit(
        deps.db,
        who,
        {
          action: "webhooks.delete",
          resourceType: "webhook",
          resourceId: webhookId,
          details: { applicationName: found.applicationName, deploymentGroupName: found.deploymentGroupName, name: found.row.name },
        },
        deps.now(),
      );
      return { webhookId };
    },
    { behavior: "immediate" },
  );
}

const deliveryColumns = {
  seq: webhookDeliverySeq,
  id: webhookDeliveries.id,
  webhookId: webhookDeliveries.webhookId,
  eventType: webhookDeliveries.eventType,
  deploymentId: webhookDeliveries.deploymentId,
  targetId: webhookDeliveries.targetId,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  responseCode: webhookDeliveries.responseCode,
  lastError: webhookDeliveries.lastError,
  createdAt: webhookDeliveries.createdAt,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  completedAt: webhookDeliveries.completedAt,
};

/** Newest first; `nextCursor` is null on the last page. */
export function listWebhookDeliveries(db: Db, input: z.output<typeof listDeliveriesInputSchema>): { items: WebhookDeliveryView[]; nextCursor: string | null } {
  loadWebhook(db, input.webhookId);
  const before = input.cursor === undefined ? null : Number(input.cursor);
  if (before !== null && !Number.isSafeInteger(before)) throw new DomainError("INVALID", "cursor is not one this API returned", { field: "cursor" });
  const rows = db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, input.webhookId), before === null ? undefined : lt(webhookDeliverySeq, before)))
    .orderBy(desc(webhookDeliverySeq))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  return {
    items: page.map(({ seq: _seq, ...view }) => view),
    nextCursor: rows.length > input.limit ? String(page[page.length - 1].seq) : null,
  };
}

/** Sends a delivery again as a new delivery with the same body (signed afresh at send time). */
export function redeliverWebhookDelivery(deps: Deps, who: AuditActor, deliveryId: string): WebhookDeliveryView {
  const now = deps.now();
  const id = deps.db.transaction(
    () => {
      const original = deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).get();
      if (!original) throw notFound(`Delivery ${deliveryId}`);
      const newId = randomUUID();
      deps.db
        .insert(webhookDeliveries)
        .values({
          id: newId,
          webhookId: original.webhookId,
          eventType: original.eventType,
          deploymentId: original.deploymentId,
          targetId: original.targetId,
          body: original.body,
          status: "pending",
          nextAttemptAt: now,
          createdAt: now,
        })
        .run();
      recordAudit(
        deps.db,
        who,
        {
          action: "webhooks.redeliver",
          resourceType: "webhook",
          resourceId: original.webhookId,
          details: { deliveryId, newDeliveryId: newId, eventType: original.eventType, deploymentId: original.deploymentId },
        },
        now,
      );
      return newId;
    },
    { behavior: "immediate" },
  );
  deps.services.notifier.wake();
  const { seq: _seq, ...view } = deps.db.select(deliveryColumns).from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get()!;
  return view;
}

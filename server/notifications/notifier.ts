import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Env } from "../env";
import type { Metrics } from "../metrics/metrics";
import type { DeploymentNotification, DeploymentNotifier } from "../orchestrator/ports";
import type { Db } from "../storage/database";
import { deployments, webhookDeliveries, webhookTargets } from "../storage/schema";
import { readNotificationFacts, renderNotificationBody } from "./notification-payload";
import { startDeliveryLoop, type DeliveryLoop, type DeliveryOptions } from "./webhook-delivery";

/** What recording and delivering notifications reads and counts. */
export type NotifierDeps = { db: Db; env: Env; now: () => number; metrics: Pick<Metrics, "webhookDeliveryAttempted"> };

export interface Notifier extends DeploymentNotifier {
  /** Starts the delivery loop (deliveries pending from before a restart go first). */
  start(): void;
  /** Stops the loop; attempts cut short stay pending and are retried on the next start. */
  stop(): void;
  /** Looks for due deliveries now (after a redeliver) instead of at the next poll. */
  wake(): void;
}

/** Writes the pending delivery rows for one event; returns how many webhooks were subscribed. */
export function enqueueNotification(deps: Omit<NotifierDeps, "metrics">, event: DeploymentNotification): number {
  const occurredAt = deps.now();
  // Most events have no subscriber: look for one before gathering the payload's facts.
  const targets = deps.db
    .select({ id: webhookTargets.id, name: webhookTargets.name, format: webhookTargets.format, events: webhookTargets.events })
    .from(webhookTargets)
    .innerJoin(deployments, eq(deployments.deploymentGroupId, webhookTargets.deploymentGroupId))
    .where(and(eq(deployments.id, event.deploymentId), eq(webhookTargets.enabled, true)))
    .all()
    .filter((t) => t.events.includes(event.type));
  if (targets.length === 0) return 0;
  const facts = readNotificationFacts(deps.db, deps.env.publicUrl, event, occurredAt);
  if (!facts) return 0;
  deps.db
    .insert(webhookDeliveries)
    .values(
      targets.map((t) => ({
        id: randomUUID(),
        webhookId: t.id,
        eventType: event.type,
        deploymentId: event.deploymentId,
        targetId: event.targetId ?? null,
        body: renderNotificationBody(facts, t),
        status: "pending" as const,
        nextAttemptAt: occurredAt,
        createdAt: occurredAt,
      })),
    )
    .run();
  return targets.length;
}

/** The notification service main.ts registers as deps.services.notifier. */
export function createNotifier(deps: NotifierDeps, options: Partial<DeliveryOptions> = {}): Notifier {
  let loop: DeliveryLoop | null = null;
  return {
    notify(event) {
      try {
        if (enqueueNotification(deps, event) > 0) loop?.wake();
      } catch (err) {
        console.error(`notification ${event.type} for ${event.deploymentId} could not be recorded:`, err instanceof Error ? err.message : err);
      }
    },
    start() {
      loop ??= startDeliveryLoop(deps, options);
    },
    stop() {
      loop?.stop();
      loop = null;
    },
    wake() {
      loop?.wake();
    },
  };
}

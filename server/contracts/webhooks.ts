import { z } from "zod";
import { deploymentGroupRefSchema } from "./catalog";
import { webhookAddressRefusal } from "./webhook-address";

/** Notification events (CodeDeploy TriggerEventType, in-place subset). */
export const triggerEventTypes = [
  "DeploymentStart",
  "DeploymentSuccess",
  "DeploymentFailure",
  "DeploymentStop",
  "DeploymentRollback",
  "InstanceStart",
  "InstanceSuccess",
  "InstanceFailure",
] as const;
export type TriggerEventType = (typeof triggerEventTypes)[number];

/** Events about one host within a deployment; they carry a target id. */
export const instanceTriggerEventTypes: readonly TriggerEventType[] = ["InstanceStart", "InstanceSuccess", "InstanceFailure"];

/** Body format: CodeDeploy-style JSON, or a Slack message ({text, blocks}). */
export const webhookFormats = ["json", "slack"] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

export const webhookDeliveryStatuses = ["pending", "succeeded", "failed"] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = "Landline-Signature";
/** Header carrying the TriggerEventType of a delivery. */
export const EVENT_HEADER = "Landline-Event";
/** Header carrying the delivery id (stable across retries; use it to drop duplicates). */
export const DELIVERY_HEADER = "Landline-Delivery";

export const webhookNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .describe("Webhook name, unique within its deployment group");

export const webhookUrlSchema = z
  .string()
  .max(2048, "must be at most 2048 characters")
  .url("must be a URL")
  .refine((u) => /^https?:\/\//i.test(u), "must be an http:// or https:// URL")
  .refine(
    (u) => !URL.canParse(u) || webhookAddressRefusal(new URL(u).hostname) === null,
    "must not point at a link-local address such as a cloud metadata service",
  )
  .describe("Receiver URL; every delivery is a POST");

export const webhookEventsSchema = z
  .array(z.enum(triggerEventTypes))
  .min(1, "choose at least one event")
  .transform((events) => [...new Set(events)])
  .describe("Events delivered to this webhook");

export const createWebhookInputSchema = deploymentGroupRefSchema.extend({
  /** Webhook name, unique within the group. */
  name: webhookNameSchema,
  /** Receiver URL. */
  url: webhookUrlSchema,
  /** Subscribed events. */
  events: webhookEventsSchema,
  /** Body format. */
  format: z.enum(webhookFormats).default("json"),
});
export type CreateWebhookInput = z.input<typeof createWebhookInputSchema>;

export const updateWebhookInputSchema = z.object({
  /** Webhook to change. */
  webhookId: z.string().min(1),
  /** New name. */
  name: webhookNameSchema.optional(),
  /** New receiver URL. */
  url: webhookUrlSchema.optional(),
  /** New event subscription (replaces the old one). */
  events: webhookEventsSchema.optional(),
  /** New body format. */
  format: z.enum(webhookFormats).optional(),
  /** False pauses deliveries without deleting the webhook. */
  enabled: z.boolean().optional(),
  /** True replaces the signing secret and returns the new one once. */
  rotateSecret: z.boolean().optional(),
});
export type UpdateWebhookInput = z.input<typeof updateWebhookInputSchema>;

export const listDeliveriesInputSchema = z.object({
  /** Webhook whose deliveries to list. */
  webhookId: z.string().min(1),
  /** Page size. */
  limit: z.number().int().min(1).max(200).default(50),
  /** Opaque cursor from the previous page's nextCursor. */
  cursor: z.string().optional(),
});

/** A webhook as the API returns it; the secret is never included. */
export type WebhookView = {
  id: string;
  applicationName: string;
  deploymentGroupName: string;
  name: string;
  url: string;
  events: TriggerEventType[];
  format: WebhookFormat;
  enabled: boolean;
  /** First characters of the signing secret, to tell secrets apart. */
  secretPrefix: string;
  createdAt: number;
  updatedAt: number;
};

/** One delivery attempt record as the API returns it. */
export type WebhookDeliveryView = {
  id: string;
  webhookId: string;
  eventType: TriggerEventType;
  deploymentId: string;
  targetId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** HTTP status of the last attempt; null when it never got a response. */
  responseCode: number | null;
  lastError: string | null;
  createdAt: number;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  completedAt: number | null;
};

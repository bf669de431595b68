import { z } from "zod";
import { deploymentGroupRefSchema } from "../../contracts/catalog";
import { createWebhookInputSchema, listDeliveriesInputSchema, updateWebhookInputSchema } from "../../contracts/webhooks";
import {
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookDelivery,
  updateWebhook,
} from "../../notifications/webhook-targets";
import { adminProcedure, deployerProcedure, router } from "../init";

const webhookRefSchema = z.object({ webhookId: z.string().min(1) });

export const webhooksRouter = router({
  // Deployer+: receiver URLs can embed credentials (Slack's do), so viewers do not see them.
  list: deployerProcedure.input(deploymentGroupRefSchema).query(({ ctx, input }) => listWebhooks(ctx.db, input)),

  create: deployerProcedure.input(createWebhookInputSchema).mutation(({ ctx, input }) => createWebhook(ctx, ctx, input)),

  update: deployerProcedure.input(updateWebhookInputSchema).mutation(({ ctx, input }) => updateWebhook(ctx, ctx, input)),

  delete: deployerProcedure.input(webhookRefSchema).mutation(({ ctx, input }) => deleteWebhook(ctx, ctx, input.webhookId)),

  deliveries: adminProcedure.input(listDeliveriesInputSchema).query(({ ctx, input }) => listWebhookDeliveries(ctx.db, input)),

  redeliver: adminProcedure
    .input(z.object({ deliveryId: z.string().min(1) }))
    .mutation(({ ctx, input }) => redeliverWebhookDelivery(ctx, ctx, input.deliveryId)),
});

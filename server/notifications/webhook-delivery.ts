import dns from "node:dns";
import { and, asc, eq, lt, lte, ne, sql } from "drizzle-orm";
import { Agent, fetch as undiciFetch } from "undici";
import { webhookAddressRefusal, type WebhookAddressRules } from "../contracts/webhook-address";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "../contracts/webhooks";
import type { Deps } from "../deps";
import { webhookDeliveries, webhookTargets } from "../storage/schema";
import { signWebhookBody } from "./webhook-signature";
import { webhookAddressRulesOf } from "./webhook-targets";

export type DeliveryOptions = {
  /** Wait before attempt 2, 3, ...; a delivery gets retryDelaysMs.length + 1 attempts in all. */
  retryDelaysMs: number[];
  /** Per-attempt limit, including reading the response. */
  timeoutMs: number;
  /** Attempts in flight at once across all webhooks. */
  concurrency: number;
  /** How often the loop looks for due retries. */
  pollIntervalMs: number;
  /** Finished deliveries older than this are deleted (checked hourly). */
  retentionMs: number;
};

/** 5 attempts over about 4 minutes. */
export const DEFAULT_RETRY_DELAYS_MS = [10_000, 30_000, 60_000, 120_000];

export const defaultDeliveryOptions: DeliveryOptions = {
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  timeoutMs: 10_000,
  concurrency: 4,
  pollIntervalMs: 1_000,
  retentionMs: 30 * 24 * 60 * 60 * 1000,
};

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export type DeliveryLoop = { wake(): void; stop(): void };

type DueDelivery = { id: string; webhookId: string; eventType: string; body: string; attempts: number; url: string; secret: string };

type AttemptResult = { ok: true; responseCode: number } | { ok: false; responseCode: number | null; error: string } | { aborted: true };

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === "TimeoutError") return `timed out after ${timeoutMs / 1000} s`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ""}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Connects only to addresses a webhook may reach. Names are checked as resolved at connect time, so a name
 * that points at a refused address (or is re-pointed there after the webhook was saved) is refused too.
 */
function createGuardedDispatcher(rules: WebhookAddressRules): Agent {
  return new Agent({
    connect: {
      lookup: (hostname, options, callback) => {
        dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
          if (error) return callback(error, "", 4);
          const allowed = addresses.filter((a) => webhookAddressRefusal(a.address, rules) === null);
          if (allowed.length === 0) {
            const reason = webhookAddressRefusal(addresses[0].address, rules) ?? "an address";
            return callback(forbidden(`${hostname} resolves to ${addresses.map((a) => a.address).join(", ")}`, reason), "", 4);
          }
          if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
          callback(null, allowed[0].address, allowed[0].family);
        });
      },
    },
  });
}

function forbidden(what: string, reason: string): Error {
  return Object.assign(new Error(`${what}, ${reason} webhooks may not reach`), { code: "EFORBIDDEN" });
}

type Reach = { rules: WebhookAddressRules; dispatcher: Agent };

async function attemptDelivery(d: DueDelivery, now: number, timeoutMs: number, stopSignal: AbortSignal, reach: Reach): Promise<AttemptResult> {
  // A plain timer and controller held here, rather than AbortSignal.any([AbortSignal.timeout(), ...]): on Node 20 a
  // composite signal nothing else references can be collected before it fires, leaving a hung receiver hanging.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  const onStop = () => controller.abort(stopSignal.reason);
  stopSignal.addEventListener("abort", onStop, { once: true });
  try {
    const host = new URL(d.url).hostname;
    // An address in the URL itself is never looked up, so it is checked here.
    const refusal = webhookAddressRefusal(host, reach.rules);
    if (refusal) throw forbidden(host, refusal);
    const res = await undiciFetch(d.url, {
      dispatcher: reach.dispatcher,
      method: "POST",
      redirect: "manual",
      signal: controller.signal,
      headers: {
        "content-type": "application/json",
        "user-agent": "Landline-Webhooks/1",
        [EVENT_HEADER]: d.eventType,
        [DELIVERY_HEADER]: d.id,
        [SIGNATURE_HEADER]: signWebhookBody(d.secret, d.body, Math.floor(now / 1000)),
      },
      body: d.body,
    });
    const text = await res.text().catch(() => "");
    if (res.status >= 200 && res.status < 300) return { ok: true, responseCode: res.status };
    const detail = res.status >= 300 && res.status < 400 ? "redirects are not followed" : text.trim().slice(0, 300);
    return { ok: false, responseCode: res.status, error: `HTTP ${res.status}${detail ? `: ${detail}` : ""}` };
  } catch (err) {
    if (stopSignal.aborted) return { aborted: true };
    const timedOut = controller.signal.aborted && (controller.signal.reason as Error | undefined)?.name === "TimeoutError";
    return { ok: false, responseCode: null, error: (timedOut ? `timed out after ${timeoutMs / 1000} s` : describeError(err, timeoutMs)).slice(0, 500) };
  } finally {
    clearTimeout(timer);
    stopSignal.removeEventListener("abort", onStop);
  }
}

/**
 * The delivery loop: sends due deliveries with bounded concurrency, one at a time per webhook so a
 * webhook sees first attempts in event order. State lives in webhook_deliveries, so a restart resumes.
 */
export function startDeliveryLoop(deps: Deps, overrides: Partial<DeliveryOptions> = {}): DeliveryLoop {
  const options = { ...defaultDeliveryOptions, ...overrides };
  const rules = webhookAddressRulesOf(deps.env);
  const reach: Reach = { rules, dispatcher: createGuardedDispatcher(rules) };
  const stopController = new AbortController();
  const busyWebhooks = new Set<string>();
  let inFlight = 0;
  let stopped = false;

  const record = (d: DueDelivery, result: Exclude<AttemptResult, { aborted: true }>, at: number) => {
    const attempts = d.attempts + 1;
    if (result.ok) {
      deps.db
        .update(webhookDeliveries)
        .set({ status: "succeeded", attempts, responseCode: result.responseCode, lastError: null, nextAttemptAt: null, lastAttemptAt: at, completedAt: at })
        .where(eq(webhookDeliveries.id, d.id))
        .run();
      deps.services.metrics?.webhookDeliveryAttempted("succeeded");
      return;
    }
    const delay = options.retryDelaysMs[attempts - 1];
    const final = delay === undefined;
    deps.db
      .update(webhookDeliveries)
      .set({
        status: final ? "failed" : "pending",
        attempts,
        responseCode: result.responseCode,
        lastError: result.error,
        nextAttemptAt: final ? null : at + delay,
        lastAttemptAt: at,
        completedAt: final ? at : null,
      })
      .where(eq(webhookDeliveries.id, d.id))
      .run();
    deps.services.metrics?.webhookDeliveryAttempted(final ? "failed" : "retrying");
    if (final) console.warn(`webhook delivery ${d.id} to ${new URL(d.url).origin} failed after ${attempts} attempts: ${result.error}`);
  };

  const run = async (d: DueDelivery) => {
    const at = deps.now();
    const result = await attemptDelivery(d, at, options.timeoutMs, stopController.signal, reach);
    if ("aborted" in result) return;
    try {
      record(d, result, deps.now());
    } catch (err) {
      console.error(`webhook delivery ${d.id} result could not be recorded:`, err instanceof Error ? err.message : err);
    }
  };

  const tick = () => {
    if (stopped || inFlight >= options.concurrency) return;
    const due = deps.db
      .select({
        id: webhookDeliveries.id,
        webhookId: webhookDeliveries.webhookId,
        eventType: webhookDeliveries.eventType,
        body: webhookDeliveries.body,
        attempts: webhookDeliveries.attempts,
        url: webhookTargets.url,
        secret: webhookTargets.secret,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookTargets, eq(webhookTargets.id, webhookDeliveries.webhookId))
      .where(and(eq(webhookDeliveries.status, "pending"), eq(webhookTargets.enabled, true), lte(webhookDeliveries.nextAttemptAt, deps.now())))
      .orderBy(asc(webhookDeliveries.createdAt), sql`webhook_deliveries.rowid`)
      .limit(200)
      .all();
    for (const d of due) {
      if (inFlight >= options.concurrency) break;
      if (busyWebhooks.has(d.webhookId)) continue;
      busyWebhooks.add(d.webhookId);
      inFlight++;
      void run(d).finally(() => {
        busyWebhooks.delete(d.webhookId);
        inFlight--;
        safeTick();
      });
    }
  };

  let prunedAt = 0;
  const prune = () => {
    const at = deps.now();
    if (at - prunedAt < PRUNE_INTERVAL_MS) return;
    prunedAt = at;
    deps.db
      .delete(webhookDeliveries)
      .where(and(ne(webhookDeliveries.status, "pending"), lt(webhookDeliveries.completedAt, at - options.retentionMs)))
      .run();
  };

  const safeTick = () => {
    try {
      prune();
      tick();
    } catch (err) {
      console.error("webhook delivery loop:", err instanceof Error ? err.message : err);
    }
  };

  const timer = setInterval(safeTick, options.pollIntervalMs);
  timer.unref();
  setImmediate(safeTick);

  return {
    wake: () => setImmediate(safeTick),
    stop: () => {
      stopped = true;
      clearInterval(timer);
      stopController.abort();
      void reach.dispatcher.close().catch(() => undefined);
    },
  };
}

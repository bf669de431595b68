import path from "node:path";
import proxyAddr from "proxy-addr";
import { z } from "zod";

const byteSize = z.coerce.number().int().positive();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  LANDLINE_DATA_DIR: z.string().default("./data"),
  LANDLINE_PUBLIC_URL: z.string().url().optional(),
  LANDLINE_MAX_BUNDLE_BYTES: byteSize.default(2 * 1024 ** 3),
  LANDLINE_MAX_BUNDLE_ENTRIES: z.coerce.number().int().positive().default(100_000),
  LANDLINE_ADMIN_EMAIL: z.string().email().optional(),
  LANDLINE_ADMIN_PASSWORD: z.string().min(8).optional(),
  LANDLINE_SESSION_DAYS: z.coerce.number().positive().default(14),
  LANDLINE_AGENT_GRACE_SECONDS: z.coerce.number().positive().default(60),
  LANDLINE_EVENT_PICKUP_SECONDS: z.coerce.number().positive().default(300),
  // How long a client may take to send request headers, and a request body (authenticated bundle uploads: an hour).
  LANDLINE_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
  LANDLINE_BODY_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  LANDLINE_METRICS_TOKEN: z.string().min(16).optional(),
  // Seconds between webhook delivery attempts, comma-separated; one more attempt than delays.
  LANDLINE_WEBHOOK_RETRY_SECONDS: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, "must be comma-separated seconds, e.g. 10,30,60,120")
    .default("10,30,60,120")
    .transform((s) => s.split(",").map(Number)),
  // "true": every newly enrolled host waits for an admin's approval before any deployment, whatever its token says.
  LANDLINE_REQUIRE_HOST_APPROVAL: z.enum(["true", "false"]).default("false"),
  // "true" refuses webhook receivers on loopback, private and other non-public addresses too, not only link-local.
  LANDLINE_WEBHOOK_PUBLIC_ONLY: z.enum(["true", "false"]).default("false"),
  // "false" serves only the API, sockets and agent endpoints (integration tests, headless control planes).
  LANDLINE_SERVE_UI: z.enum(["true", "false"]).default("true"),
  // "true" runs one agent beside the server (tagged landline=local) so a first deployment needs no other host.
  LANDLINE_LOCAL_AGENT: z.enum(["true", "false"]).default("false"),
  // Reverse proxies whose X-Forwarded-For is believed, comma-separated: addresses, CIDR ranges, or proxy-addr's
  // names loopback, linklocal and uniquelocal. Empty: the socket's address is the client's.
  LANDLINE_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .superRefine((list, ctx) => {
      for (const entry of list) {
        try {
          proxyAddr.compile(entry);
        } catch {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address, a CIDR range, loopback, linklocal or uniquelocal` });
        }
      }
    }),
  LANDLINE_SECURE_COOKIES: z.enum(["true", "false", "auto"]).default("auto"),
});

export type Env = z.infer<typeof envSchema> & {
  /** absolute data directory */
  dataDir: string;
  /** absolute path of the SQLite database file */
  databasePath: string;
  /** content-addressed bundle directory */
  bundleDir: string;
  /** base URL used in links (notifications, enrollment commands) */
  publicUrl: string;
};

export class EnvError extends Error {}

/** Parses configuration from an environment map; the only reader of process.env is main.ts passing it here. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.LANDLINE_DATA_DIR);
  return {
    ...env,
    dataDir,
    databasePath: path.join(dataDir, "landline.db"),
    bundleDir: path.join(dataDir, "bundles"),
    publicUrl: (env.LANDLINE_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
  };
}

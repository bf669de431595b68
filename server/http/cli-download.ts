import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookie } from "cookie";
import { resolvePrincipal } from "../auth/principal";
import type { Deps } from "../deps";

let bundled: Promise<string> | null = null;

/**
 * Bundles the CLI once per server process, so the file served always matches the running code; where esbuild
 * is not installed (production installs without devDependencies) a prebuilt dist/landline.mjs is served.
 */
async function ensureCliBundle(): Promise<string> {
  const { CLI_BUNDLE_PATH, bundleCli } = await import("../../cli/bundle-cli");
  bundled ??= bundleCli().catch((err: unknown) => {
    bundled = null;
    if (fs.existsSync(CLI_BUNDLE_PATH)) return CLI_BUNDLE_PATH;
    throw err;
  });
  return bundled;
}

/**
 * GET /api/cli/download: the standalone `landline` CLI as one ESM file (dist/landline.mjs).
 * Needs a signed-in user or an API token of any role.
 */
export async function handleCliDownload(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method not allowed\n");
    return;
  }
  if (!resolvePrincipal(deps.db, req.headers, deps.now(), parseCookie)) {
    res.writeHead(401, { "www-authenticate": "Bearer", "content-type": "text/plain" }).end("Sign in or send Authorization: Bearer <API token>\n");
    return;
  }
  let file: string;
  try {
    file = await ensureCliBundle();
  } catch (err) {
    console.error("building the CLI bundle failed:", err instanceof Error ? err.message : err);
    res.writeHead(503, { "content-type": "text/plain" }).end("The CLI bundle is not built; run `npm run build:cli` on the server\n");
    return;
  }
  const stat = fs.statSync(file);
  res.writeHead(200, {
    "content-type": "text/javascript; charset=utf-8",
    "content-length": stat.size,
    "content-disposition": 'attachment; filename="landline.mjs"',
    "cache-control": "no-cache",
  });
  if (req.method === "HEAD") return void res.end();
  await new Promise<void>((resolve, reject) => {
    fs.createReadStream(file).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
  });
}

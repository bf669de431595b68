import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The standalone CLI: one ESM file with every dependency inlined; needs only Node 20+. */
export const CLI_BUNDLE_PATH = path.join(REPO_ROOT, "dist", "landline.mjs");

/** Bundles cli/main.ts with esbuild into `outFile` (default dist/landline.mjs). */
export async function bundleCli(outFile = CLI_BUNDLE_PATH): Promise<string> {
  const { build } = await import("esbuild");
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  // Written beside the target and renamed, so a concurrent download never sees a half-written file.
  const tmpFile = `${outFile}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(REPO_ROOT, "cli", "main.ts")],
    outfile: tmpFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: false,
    legalComments: "none",
    logLevel: "warning",
    // Optional native speed-ups of the WebSocket library; it works without them.
    external: ["bufferutil", "utf-8-validate"],
    banner: {
      // CommonJS dependencies call require() for Node built-ins; an ESM bundle needs one made for it.
      js: "#!/usr/bin/env node\nimport { createRequire as __landlineCreateRequire } from 'node:module';\nconst require = __landlineCreateRequire(import.meta.url);",
    },
  });
  fs.chmodSync(tmpFile, 0o755);
  fs.renameSync(tmpFile, outFile);
  return outFile;
}

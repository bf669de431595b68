import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Bundles a TypeScript entry point with esbuild into one ESM file with every dependency inlined,
 * runnable with plain `node` (20.19+) where this repository is absent. Written beside the target and
 * renamed, so a concurrent download never sees a half-written file.
 */
export async function bundleProgram(entry: string, outFile: string): Promise<string> {
  const { build } = await import("esbuild");
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const tmpFile = `${outFile}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
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

/**
 * Serves a bundled program, bundling it once per server process so the file matches the running code;
 * where esbuild is not installed (production installs without devDependencies) a prebuilt file is served.
 */
export function createProgramDownload(entry: string, outFile: string, fileName: string) {
  let bundled: Promise<string> | null = null;
  const ensure = () =>
    (bundled ??= bundleProgram(entry, outFile).catch((err: unknown) => {
      bundled = null;
      if (fs.existsSync(outFile)) return outFile;
      throw err;
    }));
  return async function sendProgram(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let file: string;
    try {
      file = await ensure();
    } catch (err) {
      console.error(`bundling ${fileName} failed:`, err instanceof Error ? err.message : err);
      res.writeHead(503, { "content-type": "text/plain" }).end(`${fileName} is not built on this server\n`);
      return;
    }
    const stat = fs.statSync(file);
    res.writeHead(200, {
      "content-type": "text/javascript; charset=utf-8",
      "content-length": stat.size,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") return void res.end();
    await new Promise<void>((resolve, reject) => {
      fs.createReadStream(file).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
    });
  };
}

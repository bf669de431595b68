import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Bundles the agent into dist/landline-agent.mjs: one file with every dependency inlined, runnable
 * with plain `node` (20.19+) on a host that has nothing of this repository.
 * Usage: node --import tsx agent/build.ts [outfile]
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.resolve(process.argv[2] ?? path.join(repoRoot, "dist", "landline-agent.mjs"));

await build({
  entryPoints: [path.join(repoRoot, "agent", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  sourcemap: false,
  legalComments: "none",
  // CommonJS dependencies call require() for Node built-ins; give the ESM bundle a real one.
  banner: { js: 'import { createRequire as __landlineCreateRequire } from "node:module";\nconst require = __landlineCreateRequire(import.meta.url);' },
  // Optional native speed-ups of ws; it falls back to JavaScript when they are absent.
  external: ["bufferutil", "utf-8-validate"],
  logLevel: "warning",
});
fs.chmodSync(outfile, 0o755);
console.log(`built ${path.relative(repoRoot, outfile)} (${(fs.statSync(outfile).size / 1024).toFixed(0)} KB)`);

import fs from "node:fs";
import path from "node:path";
import { bundleProgram, REPO_ROOT } from "../server/http/program-bundle";

/**
 * Bundles the agent into dist/landline-agent.mjs: one file with every dependency inlined, runnable
 * with plain `node` (20.19+) on a host that has nothing of this repository. A build script, not part of
 * the agent program, so it may use the server's bundler.
 * Usage: node --import tsx agent/build.ts [outfile]
 */
const outfile = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, "dist", "landline-agent.mjs"));
await bundleProgram(path.join(REPO_ROOT, "agent", "main.ts"), outfile);
console.log(`built ${path.relative(REPO_ROOT, outfile)} (${(fs.statSync(outfile).size / 1024).toFixed(0)} KB)`);

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../server/test/spawn-server";

const BUILD_ID = path.join(REPO_ROOT, ".next", "BUILD_ID");
const SOURCES = ["app", "server/contracts", "next.config.js", "postcss.config.mjs"];

function newestMtime(p: string): number {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Runs `next build` when there is no production build or the UI changed since the last one. */
export function ensureProductionBuild(): void {
  const built = fs.existsSync(BUILD_ID) ? fs.statSync(BUILD_ID).mtimeMs : 0;
  const changed = SOURCES.map((s) => path.join(REPO_ROOT, s))
    .filter(fs.existsSync)
    .some((s) => newestMtime(s) > built);
  if (!changed) return;
  execFileSync(process.execPath, [path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: REPO_ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
}

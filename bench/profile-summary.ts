import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../server/test/spawn-server";

/**
 * Prints the top frames of a V8 .cpuprofile (as written by `npm run bench -- <name> --cpu-prof`):
 * self time per function and total (inclusive) time per source file.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

function shortUrl(url: string): string {
  if (!url) return "(native)";
  const file = url.replace(/^file:\/\//, "");
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) return file.slice(nm + "node_modules/".length);
  return path.relative(REPO_ROOT, file) || file;
}

export function summarizeProfile(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const totalMs = (profile.endTime - profile.startTime) / 1000;

  const selfByFunction = new Map<string, number>();
  const totalByFile = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"}  ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ""}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + ms);
    // Inclusive per file: count the sample once for every distinct file on its stack.
    const files = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) files.add(shortUrl(byId.get(at)!.callFrame.url).split(":")[0]);
    for (const file of files) totalByFile.set(file, (totalByFile.get(file) ?? 0) + ms);
  }
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join("\n");
  return `profile: ${(totalMs / 1000).toFixed(1)} s\n\nself time by function:\n${rows(selfByFunction)}\n\ntotal time by file:\n${rows(totalByFile)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  console.log(summarizeProfile(JSON.parse(fs.readFileSync(file, "utf8")) as Profile, Number(top ?? 25)));
}

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../server/test/spawn-server";
import { formatNumber, type Figure } from "./benchmark";
import { canPin } from "./process-stats";

/** Renders figures as one plain-text table: benchmark, figure, value, goal, met. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.benchmark,
    f.name,
    f.value === null ? "n/a" : `${formatNumber(f.value)} ${f.unit}`.trim(),
    f.goal ?? "",
    f.met === null ? (f.goal ? "?" : "") : f.met ? "yes" : "NO",
    f.note ?? "",
  ]);
  const header = ["benchmark", "figure", "value", "goal", "met", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Renders the same table as Markdown, for the README. */
export function renderMarkdown(figures: readonly Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.benchmark} | ${f.name} | ${f.value === null ? "n/a" : `${formatNumber(f.value)} ${f.unit}`.trim()} | ${f.goal ?? ""} | ${f.met === null ? (f.goal ? "?" : "") : f.met ? "yes" : "no"} | ${f.note ?? ""} |`,
  );
  return ["| benchmark | figure | value | goal | met | note |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

/** The installed version (read from node_modules, since some packages do not export their package.json). */
function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

function fileSystemType(dir: string): string | null {
  try {
    return execFileSync("stat", ["-f", "-c", "%T", dir], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

/** What the performance reference asks every run to record: versions, bufferutil, disk, pinning. */
export function describeEnvironment(dataRoot: string) {
  return {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryBytes: os.totalmem(),
    kernel: os.release(),
    pinned: canPin,
    dataRootFileSystem: fileSystemType(dataRoot),
    bufferutil: packageVersion("bufferutil") !== null,
    packages: Object.fromEntries(
      ["socket.io", "socket.io-client", "engine.io", "ws", "better-sqlite3", "drizzle-orm", "@trpc/server", "zod"].map((p) => [p, packageVersion(p)]),
    ),
  };
}

/** Writes bench/results/<timestamp>.json and returns its path. */
export function writeResults(results: object, startedAt: Date): string {
  const dir = path.join(REPO_ROOT, "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  return file;
}

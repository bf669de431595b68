import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ); 100 on Linux unless getconf says otherwise. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
export function readRssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process (all its threads) has used, from /proc/<pid>/stat fields 14 and 15. */
export function readCpuSeconds(pid: number): number | null {
  try {
    return parseCpuSeconds(fs.readFileSync(`/proc/${pid}/stat`, "utf8"), CLOCK_TICKS);
  } catch {
    return null;
  }
}

/** The comm field may contain spaces and parentheses, so fields are counted after the last ")". */
export function parseCpuSeconds(stat: string, ticksPerSecond: number): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Measures a process's CPU use over `ms`: the share of one core it used (1 = one full core). */
export async function measureCpuShare(pid: number, ms: number): Promise<number> {
  const before = readCpuSeconds(pid) ?? 0;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = readCpuSeconds(pid) ?? before;
  return (after - before) / ((performance.now() - start) / 1000);
}

/** Samples a process's RSS every `intervalMs` until stopped; keeps first, last and peak. */
export function sampleRss(pid: number, intervalMs = 250) {
  const samples: { at: number; rss: number }[] = [];
  const take = () => {
    const rss = readRssBytes(pid);
    if (rss !== null) samples.push({ at: Date.now(), rss });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      const values = samples.map((s) => s.rss);
      return { first: values[0] ?? 0, last: values.at(-1) ?? 0, peak: Math.max(0, ...values) };
    },
  };
}

/** True when processes can be pinned to cores (taskset present, at least 2 cores). */
export const canPin = (() => {
  if (os.cpus().length < 2) return false;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Cores used for the system under test and for the load generator (benchmark definitions, ground rules). */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/** A core number, or every core (children inherit their parent's mask, so "unpinned" has to be said). */
export type CoreChoice = number | "all";
const coreList = (core: CoreChoice) => (core === "all" ? `0-${os.cpus().length - 1}` : String(core));

/** Pins a running process and all its threads; threads and children it starts later inherit the mask. */
export function pinProcess(pid: number, core: CoreChoice): void {
  if (!canPin) return;
  execFileSync("taskset", ["-a", "-p", "-c", coreList(core), String(pid)], { stdio: "ignore" });
}

/** Prefix for spawn() that starts a program on the given cores: ["taskset", "-c", "1"], or [] when pinning is unavailable. */
export function pinnedCommand(core: CoreChoice): string[] {
  return canPin ? ["taskset", "-c", coreList(core)] : [];
}

function readFileLimit(pid: number): { soft: number; hard: number } | null {
  try {
    const [soft, hard] = execFileSync("prlimit", ["--pid", String(pid), "--nofile", "--output", "SOFT,HARD", "--noheadings"], { encoding: "utf8" })
      .trim()
      .split(/\s+/)
      .map((v) => (v === "unlimited" ? Infinity : Number(v)));
    return { soft, hard };
  } catch {
    return null;
  }
}

/**
 * Raises a process's open-file limit (each connected agent is a file descriptor) to `wanted`, or as far as
 * the hard limit allows when raising the hard limit is not permitted. Returns the soft limit it ends with.
 */
export function raiseOpenFileLimit(pid: number, wanted = 65_536): number | null {
  const limit = readFileLimit(pid);
  if (!limit || limit.soft >= wanted) return limit?.soft ?? null;
  for (const value of [wanted, Math.min(wanted, limit.hard)]) {
    try {
      execFileSync("prlimit", ["--pid", String(pid), `--nofile=${value}:${Math.max(value, limit.hard)}`], { stdio: "ignore" });
      return value;
    } catch {
      // not permitted: try the hard limit next
    }
  }
  return limit.soft;
}

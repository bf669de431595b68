import fs from "node:fs";
import path from "node:path";
import { finishedDeploymentStatuses, type DeploymentDetail, type DeploymentInfo, type StorageProblem } from "../contracts/deployment";

/**
 * Whether the server can write to its data directory. A write that fails for lack of space or an I/O error is
 * recorded here, wherever it happened (log lines, results, uploads, API calls), so the deployment page, the CLI,
 * /healthz and /metrics can say why nothing moves. It clears by itself: on the next write that goes through, or
 * when a small probe write in the data directory succeeds again.
 */
export interface StorageHealth {
  /** Records `err` if it is a storage failure; returns whether it was. */
  recordFailure(err: unknown): boolean;
  /** A write went through. */
  recordSuccess(): void;
  /** The current problem, or null when the server can store data. */
  current(): StorageProblem | null;
}

const FULL_CODES = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT"]);
const IO_CODES = new Set(["EIO", "EROFS", "SQLITE_READONLY", "SQLITE_CANTOPEN"]);
/** The probe writes this much, so a directory with a few bytes left does not count as recovered. */
const PROBE_BYTES = 256 * 1024;
const PROBE_INTERVAL_MS = 2_000;

/** The code of an error that means the data directory cannot take writes, or null for any other error. */
export function classifyStorageFailure(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  if (FULL_CODES.has(code) || IO_CODES.has(code) || code.startsWith("SQLITE_IOERR")) return code;
  return null;
}

export function isOutOfSpace(code: string): boolean {
  return FULL_CODES.has(code);
}

function describe(code: string): string {
  return isOutOfSpace(code)
    ? `The server cannot store data: the disk holding its data directory is full (${code}). Free space there; Landline carries on by itself.`
    : `The server cannot store data: writing to its data directory failed (${code}).`;
}

export function createStorageHealth(dataDir: string, now: () => number): StorageHealth {
  let problem: StorageProblem | null = null;
  let lastFailureAt = 0;
  let lastProbeAt = 0;

  const probe = (): boolean => {
    const file = path.join(dataDir, `.write-probe-${process.pid}`);
    try {
      fs.writeFileSync(file, Buffer.alloc(PROBE_BYTES));
      return true;
    } catch {
      return false;
    } finally {
      fs.rmSync(file, { force: true });
    }
  };

  return {
    recordFailure(err) {
      const code = classifyStorageFailure(err);
      if (!code) return false;
      const at = now();
      lastFailureAt = at;
      if (!problem || problem.code !== code) problem = { code, message: describe(code), since: problem?.since ?? at };
      return true;
    },
    recordSuccess() {
      problem = null;
    },
    current() {
      if (!problem) return null;
      const at = now();
      if (at - lastFailureAt >= PROBE_INTERVAL_MS && at - lastProbeAt >= PROBE_INTERVAL_MS) {
        lastProbeAt = at;
        if (probe()) problem = null;
      }
      return problem;
    },
  };
}

/** Free bytes for an unprivileged writer on the file system holding `dir`, or null when unknown. */
export async function readFreeBytes(dir: string): Promise<number | null> {
  try {
    const stats = await fs.promises.statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/** A deployment as deployments.get returns it: unfinished ones carry the storage problem that holds them up. */
export function describeDeploymentStorage(info: DeploymentInfo, health: StorageHealth | undefined): DeploymentDetail {
  const finished = (finishedDeploymentStatuses as readonly string[]).includes(info.status);
  return { ...info, storageProblem: finished ? null : (health?.current() ?? null) };
}

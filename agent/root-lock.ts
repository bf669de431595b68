import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * One agent process per root: <root>/agent.lock names the holder's pid and, on Linux, its start time. A lock
 * whose holder is gone (kill -9, a reboot) or whose pid now belongs to another process is stale and taken over
 * at once, so a restart after a crash never waits.
 */
export class RootLockedError extends Error {}

const holderSchema = z.object({ pid: z.number().int().positive(), startTime: z.string().nullable() });
type Holder = z.infer<typeof holderSchema>;

/** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux or when gone. */
function readStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name, which may itself contain spaces; field 3 is index 0.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function isRunning(holder: Holder): boolean {
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return holder.startTime === null || readStartTime(holder.pid) === holder.startTime;
}

function readHolder(file: string): { text: string; holder: Holder | null } {
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return { text, holder: null };
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return { text, holder: parsed.success ? parsed.data : null };
  } catch {
    return { text, holder: null };
  }
}

/** Takes the root's lock or throws RootLockedError naming the running holder; returns the release function. */
export function acquireRootLock(root: string): () => void {
  const file = path.join(root, "agent.lock");
  const mine = JSON.stringify({ pid: process.pid, startTime: readStartTime(process.pid) }) + "\n";
  const draft = `${file}.${process.pid}`;
  fs.writeFileSync(draft, mine, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        // link() creates the lock with its content in one step, and fails if any lock exists.
        fs.linkSync(draft, file);
        const release = () => {
          if (readHolder(file).text === mine) fs.rmSync(file, { force: true });
        };
        process.once("exit", release);
        return release;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const { text, holder } = readHolder(file);
      if (holder && isRunning(holder)) {
        throw new RootLockedError(
          `another agent (pid ${holder.pid}) is already running with the root ${root}; two agents on one root would run every hook twice. Stop it first, or give this one its own --root`,
        );
      }
      // Stale: remove it only if nobody replaced it in the meantime.
      if (readHolder(file).text === text) fs.rmSync(file, { force: true });
    }
    throw new RootLockedError(`could not take the lock ${file}; another agent is starting with the root ${root}`);
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

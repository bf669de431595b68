import type { LogLine } from "../contracts/agent-protocol";
import type { LiveLogLine } from "../contracts/live-updates";
import type { Db } from "./database";

type CommandTarget = { deploymentId: string; targetId: string; eventName: string; hostId: string };

export type AppendedLogs = {
  /** Highest seq stored for the host; the agent may forget lines up to it. */
  ackedSeq: number;
  /** Newly stored lines per target, for live updates. */
  byTarget: Map<string, { deploymentId: string; lines: LiveLogLine[] }>;
  stored: number;
};

export interface LogIngest {
  /** Stores lines with seq above the host's lastLogSeq, in seq order, in one transaction. */
  append(hostId: string, lines: readonly LogLine[]): AppendedLogs;
  lastLogSeq(hostId: string): number;
}

/** Upper bound of remembered command -> target mappings; the mapping is re-read from SQLite after a reset. */
const CACHE_LIMIT = 50_000;

/**
 * The agent log path: prepared statements and one transaction per batch. Lines of commands that are not
 * the host's own are dropped (but their seq is acknowledged, so the agent does not resend them forever).
 */
export function createLogIngest(db: Db): LogIngest {
  const sqlite = db.$client;
  const selectLastSeq = sqlite.prepare<[string], { s: number }>("SELECT last_log_seq AS s FROM hosts WHERE id = ?");
  const updateLastSeq = sqlite.prepare("UPDATE hosts SET last_log_seq = ? WHERE id = ?");
  const insertLine = sqlite.prepare(
    "INSERT INTO log_lines (deployment_id, target_id, event_name, host_id, host_seq, at, stream, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const selectCommand = sqlite.prepare<[string], CommandTarget>(
    `SELECT e.deployment_id AS deploymentId, e.target_id AS targetId, e.name AS eventName, t.host_id AS hostId
     FROM lifecycle_events e JOIN deployment_targets t ON t.id = e.target_id WHERE e.command_id = ?`,
  );
  const commands = new Map<string, CommandTarget>();

  const lookup = (commandId: string): CommandTarget | null => {
    const cached = commands.get(commandId);
    if (cached) return cached;
    const row = selectCommand.get(commandId);
    if (!row) return null;
    if (commands.size >= CACHE_LIMIT) commands.clear();
    commands.set(commandId, row);
    return row;
  };

  const append = sqlite.transaction((hostId: string, lines: readonly LogLine[]): AppendedLogs => {
    const last = selectLastSeq.get(hostId)?.s ?? 0;
    const byTarget: AppendedLogs["byTarget"] = new Map();
    const fresh = lines.filter((l) => l.seq > last).sort((a, b) => a.seq - b.seq);
    let highest = last;
    let stored = 0;
    for (const line of fresh) {
      if (line.seq <= highest) continue;
      highest = line.seq;
      const target = lookup(line.commandId);
      if (!target || target.hostId !== hostId) continue;
      const info = insertLine.run(target.deploymentId, target.targetId, target.eventName, hostId, line.seq, line.at, line.stream, line.text);
      stored++;
      let group = byTarget.get(target.targetId);
      if (!group) byTarget.set(target.targetId, (group = { deploymentId: target.deploymentId, lines: [] }));
      group.lines.push({ seq: Number(info.lastInsertRowid), targetId: target.targetId, eventName: target.eventName, at: line.at, stream: line.stream, text: line.text });
    }
    if (highest > last) updateLastSeq.run(highest, hostId);
    return { ackedSeq: highest, byTarget, stored };
  });

  return {
    append: (hostId, lines) => append(hostId, lines),
    lastLogSeq: (hostId) => selectLastSeq.get(hostId)?.s ?? 0,
  };
}

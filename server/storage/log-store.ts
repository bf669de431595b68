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
/** Rows per multi-row INSERT (8 parameters each, well under SQLite's 32,766); one statement per row costs more. */
const ROWS_PER_INSERT = 100;
const INSERT_COLUMNS = "INSERT INTO log_lines (deployment_id, target_id, event_name, host_id, host_seq, at, stream, text) VALUES ";

/**
 * The agent log path: prepared statements and one transaction per batch. Lines of commands that are not
 * the host's own are dropped (but their seq is acknowledged, so the agent does not resend them forever).
 */
export function createLogIngest(db: Db): LogIngest {
  const sqlite = db.$client;
  const selectLastSeq = sqlite.prepare<[string], { s: number }>("SELECT last_log_seq AS s FROM hosts WHERE id = ?");
  const updateLastSeq = sqlite.prepare("UPDATE hosts SET last_log_seq = ? WHERE id = ?");
  const insertLine = sqlite.prepare(`${INSERT_COLUMNS}(?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertLines = sqlite.prepare(INSERT_COLUMNS + Array.from({ length: ROWS_PER_INSERT }, () => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", "));
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

  /** Inserts rows of 8 values each in order; returns the id of the first (ids are consecutive: one writer, AUTOINCREMENT). */
  const insertRows = (values: unknown[], rows: number): number => {
    let firstId = 0;
    let row = 0;
    for (; row + ROWS_PER_INSERT <= rows; row += ROWS_PER_INSERT) {
      const last = Number(insertLines.run(values.slice(row * 8, (row + ROWS_PER_INSERT) * 8)).lastInsertRowid);
      if (row === 0) firstId = last - ROWS_PER_INSERT + 1;
    }
    for (; row < rows; row++) {
      const id = Number(insertLine.run(values.slice(row * 8, row * 8 + 8)).lastInsertRowid);
      if (row === 0) firstId = id;
    }
    return firstId;
  };

  const append = sqlite.transaction((hostId: string, lines: readonly LogLine[]): AppendedLogs => {
    const last = selectLastSeq.get(hostId)?.s ?? 0;
    const byTarget: AppendedLogs["byTarget"] = new Map();
    const fresh = lines.filter((l) => l.seq > last).sort((a, b) => a.seq - b.seq);
    let highest = last;
    const values: unknown[] = [];
    const kept: { line: LogLine; target: CommandTarget }[] = [];
    for (const line of fresh) {
      if (line.seq <= highest) continue;
      highest = line.seq;
      const target = lookup(line.commandId);
      if (!target || target.hostId !== hostId) continue;
      values.push(target.deploymentId, target.targetId, target.eventName, hostId, line.seq, line.at, line.stream, line.text);
      kept.push({ line, target });
    }
    const firstId = kept.length > 0 ? insertRows(values, kept.length) : 0;
    kept.forEach(({ line, target }, i) => {
      let group = byTarget.get(target.targetId);
      if (!group) byTarget.set(target.targetId, (group = { deploymentId: target.deploymentId, lines: [] }));
      group.lines.push({ seq: firstId + i, targetId: target.targetId, eventName: target.eventName, at: line.at, stream: line.stream, text: line.text });
    });
    if (highest > last) updateLastSeq.run(highest, hostId);
    return { ackedSeq: highest, byTarget, stored: kept.length };
  });

  return {
    append: (hostId, lines) => append(hostId, lines),
    lastLogSeq: (hostId) => selectLastSeq.get(hostId)?.s ?? 0,
  };
}

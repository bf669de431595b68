import type { LogLine } from "../contracts/agent-protocol";
import type { LiveLogLine } from "../contracts/live-updates";
import type { Db } from "./database";

type CommandTarget = { deploymentId: string; targetId: string; eventName: string; hostId: string };

export type AppendedLogs = {
  /** Highest seq stored for the host; the agent may forget lines up to it. */
  ackedSeq: number;
  /** Why the batch was refused as a whole: its first new seq does not follow the stored one (a gap or a jump). */
  refused: string | null;
  /** Newly stored lines per target, for live updates. */
  byTarget: Map<string, { deploymentId: string; lines: LiveLogLine[] }>;
  stored: number;
};

export interface LogIngest {
  /**
   * Stores lines that continue the host's stored seqs without a gap (lastLogSeq + 1, + 2, ...), in one
   * transaction; lines at or below lastLogSeq are duplicates, and a line after a gap ends the batch.
   */
  append(hostId: string, lines: readonly LogLine[]): AppendedLogs;
  /**
   * The seq the agent resumes after, on agent:hello. When the agent says it wrote fewer lines than the server
   * stored (it lost its journal, or the stored seq was never the agent's), the agent's number wins: the server
   * stores the lines it sends next instead of dropping them as duplicates.
   */
  resumeLogSeq(hostId: string, agentLastSeq: number): number;
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
    let refused: string | null = null;
    const values: unknown[] = [];
    const kept: { line: LogLine; target: CommandTarget }[] = [];
    for (const line of fresh) {
      if (line.seq === highest) continue;
      if (line.seq !== highest + 1) {
        refused = `line seq ${line.seq} does not follow the stored seq ${highest}; send the lines after ${highest} in order`;
        break;
      }
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
    return { ackedSeq: highest, refused: highest === last ? refused : null, byTarget, stored: kept.length };
  });

  return {
    append: (hostId, lines) => append(hostId, lines),
    resumeLogSeq: (hostId, agentLastSeq) => {
      const stored = selectLastSeq.get(hostId)?.s ?? 0;
      if (agentLastSeq >= stored) return stored;
      updateLastSeq.run(agentLastSeq, hostId);
      return agentLastSeq;
    },
  };
}

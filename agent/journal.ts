import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { commandSpecSchema, eventFinishedSchema, type CommandSpec, type EventFinished, type LogLine } from "../server/contracts/agent-protocol";
import { LogJournal, parseJson, readLinesRepairingTail } from "./log-journal";

/**
 * The agent's durable memory, under <root>/state:
 *   commands.jsonl      append-only command records (received, running, process group, finished, acked)
 *   logs/, seq.json     log lines by seq (LogJournal)
 * Every file is JSON lines; a torn final line (the agent died mid-write) is cut off when opening.
 */

const KEEP_ACKED_COMMANDS = 200;
const REWRITE_COMMANDS_AFTER_RECORDS = 2000;

export type ProcessGroupRecord = { pgid: number; bootId: string };

export type JournaledCommand = {
  spec: CommandSpec;
  receivedAt: number;
  state: "received" | "running" | "finished";
  startedAt: number | null;
  processGroup: ProcessGroupRecord | null;
  result: EventFinished | null;
  /** The server confirmed it stored the result. */
  resultAcked: boolean;
};

const commandRecordSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("received"), spec: commandSpecSchema, at: z.number() }),
  z.object({ t: z.literal("running"), id: z.string(), at: z.number() }),
  z.object({ t: z.literal("pgid"), id: z.string(), group: z.object({ pgid: z.number().int(), bootId: z.string() }).nullable() }),
  z.object({ t: z.literal("finished"), result: eventFinishedSchema }),
  z.object({ t: z.literal("acked"), id: z.string() }),
]);
type CommandRecord = z.infer<typeof commandRecordSchema>;

export class Journal {
  private readonly commands = new Map<string, JournaledCommand>();
  private commandsFd: number;
  private commandRecordCount = 0;
  private readonly logs: LogJournal;

  private constructor(
    private readonly stateDir: string,
    maxSegmentBytes?: number,
  ) {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.loadCommands();
    this.commandsFd = fs.openSync(this.commandsFile, "a", 0o600);
    this.logs = new LogJournal(stateDir, maxSegmentBytes);
  }

  static open(stateDir: string, options: { maxSegmentBytes?: number } = {}): Journal {
    return new Journal(stateDir, options.maxSegmentBytes);
  }

  private get commandsFile() {
    return path.join(this.stateDir, "commands.jsonl");
  }

  close(): void {
    fs.closeSync(this.commandsFd);
    this.logs.close();
  }

  // Log lines: see LogJournal.

  get lastSeq(): number {
    return this.logs.lastSeq;
  }
  onAppend(listener: (line: LogLine) => void): () => void {
    return this.logs.onAppend(listener);
  }
  appendLine(commandId: string, stream: LogLine["stream"], text: string, at = Date.now()): LogLine[] {
    return this.logs.appendLine(commandId, stream, text, at);
  }
  readAfter(afterSeq: number, max: number): LogLine[] {
    return this.logs.readAfter(afterSeq, max);
  }
  acknowledgeLogs(ackedSeq: number): void {
    this.logs.acknowledgeLogs(ackedSeq);
  }

  // Commands.

  getCommand(commandId: string): JournaledCommand | undefined {
    return this.commands.get(commandId);
  }

  /** Commands received or running: after a restart these died with the previous agent process. */
  unfinishedCommands(): JournaledCommand[] {
    return [...this.commands.values()].filter((c) => c.state !== "finished");
  }

  /** Commands the server has not yet acknowledged as finished (reported in agent:hello). */
  unacknowledgedCommands(): JournaledCommand[] {
    return [...this.commands.values()].filter((c) => !c.resultAcked);
  }

  /** Finished commands whose result the server has not acknowledged, oldest first. */
  pendingResults(): EventFinished[] {
    return [...this.commands.values()].filter((c) => c.state === "finished" && !c.resultAcked).map((c) => c.result!);
  }

  recordReceived(spec: CommandSpec, at = Date.now()): void {
    this.writeCommandRecord({ t: "received", spec, at });
  }

  recordRunning(commandId: string, at = Date.now()): void {
    this.writeCommandRecord({ t: "running", id: commandId, at });
  }

  recordProcessGroup(commandId: string, group: ProcessGroupRecord | null): void {
    this.writeCommandRecord({ t: "pgid", id: commandId, group });
  }

  recordFinished(result: EventFinished): void {
    this.writeCommandRecord({ t: "finished", result });
  }

  /** The server asked for a finished command again: its result must be delivered again. */
  reopenResult(commandId: string): void {
    const command = this.commands.get(commandId);
    if (command?.result) this.writeCommandRecord({ t: "finished", result: command.result });
  }

  recordResultAcked(commandId: string): void {
    if (this.commands.get(commandId)?.resultAcked) return;
    this.writeCommandRecord({ t: "acked", id: commandId });
    if (this.commandRecordCount > REWRITE_COMMANDS_AFTER_RECORDS) this.rewriteCommands();
  }

  private applyCommandRecord(record: CommandRecord): void {
    if (record.t === "received") {
      this.commands.set(record.spec.commandId, {
        spec: record.spec,
        receivedAt: record.at,
        state: "received",
        startedAt: null,
        processGroup: null,
        result: null,
        resultAcked: false,
      });
      return;
    }
    const id = record.t === "finished" ? record.result.commandId : record.id;
    const command = this.commands.get(id);
    if (!command) return;
    if (record.t === "running") {
      command.state = "running";
      command.startedAt = record.at;
    } else if (record.t === "pgid") {
      command.processGroup = record.group;
    } else if (record.t === "finished") {
      command.state = "finished";
      command.result = record.result;
      command.resultAcked = false;
    } else {
      command.resultAcked = true;
    }
  }

  private writeCommandRecord(record: CommandRecord): void {
    this.applyCommandRecord(record);
    fs.writeSync(this.commandsFd, JSON.stringify(record) + "\n");
    this.commandRecordCount++;
  }

  private loadCommands(): void {
    for (const line of readLinesRepairingTail(this.commandsFile)) {
      const parsed = commandRecordSchema.safeParse(parseJson(line));
      if (parsed.success) this.applyCommandRecord(parsed.data);
      this.commandRecordCount++;
    }
  }

  /** Rewrites commands.jsonl with the live commands and the newest acknowledged ones (for idempotent re-runs). */
  private rewriteCommands(): void {
    const all = [...this.commands.values()];
    const acked = all.filter((c) => c.resultAcked);
    const keep = new Set([...all.filter((c) => !c.resultAcked), ...acked.slice(-KEEP_ACKED_COMMANDS)]);
    const records: CommandRecord[] = [];
    for (const c of all) {
      if (!keep.has(c)) {
        this.commands.delete(c.spec.commandId);
        continue;
      }
      const id = c.spec.commandId;
      records.push({ t: "received", spec: c.spec, at: c.receivedAt });
      if (c.startedAt !== null) records.push({ t: "running", id, at: c.startedAt });
      if (c.processGroup) records.push({ t: "pgid", id, group: c.processGroup });
      if (c.result) records.push({ t: "finished", result: c.result });
      if (c.resultAcked) records.push({ t: "acked", id });
    }
    const tmp = `${this.commandsFile}.tmp`;
    fs.writeFileSync(tmp, records.map((r) => JSON.stringify(r) + "\n").join(""), { mode: 0o600 });
    fs.closeSync(this.commandsFd);
    fs.renameSync(tmp, this.commandsFile);
    this.commandsFd = fs.openSync(this.commandsFile, "a", 0o600);
    this.commandRecordCount = records.length;
  }
}

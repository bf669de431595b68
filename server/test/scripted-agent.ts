import { io, type Socket } from "socket.io-client";
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL_VERSION,
  type AgentHelloAck,
  type AgentToServerEvents,
  type CommandSpec,
  type EventFinished,
  type HostFacts,
  type LogLine,
  type ServerToAgentEvents,
} from "../contracts/agent-protocol";
import { waitFor } from "./wait-for";

export type ScriptedOutcome = { status: "Succeeded" | "Failed" | "hold"; lines?: string[] };

type CommandRecord = { spec: CommandSpec; state: "running" | "finished"; result?: EventFinished };

export const TEST_FACTS: HostFacts = {
  hostname: "scripted",
  platform: "linux",
  osRelease: "6.1",
  arch: "x64",
  agentVersion: "scripted-1",
  nodeVersion: process.version,
  freeDiskBytes: 1_000_000_000,
  rootDir: "/tmp/scripted-agent",
};

/**
 * A protocol-level stand-in for the agent: speaks agent-protocol.ts over a real socket.io-client, keeps its
 * command journal and unacknowledged log lines in memory across reconnects, and runs each command id once.
 */
export class ScriptedAgent {
  readonly socket: Socket<ServerToAgentEvents, AgentToServerEvents>;
  readonly commands = new Map<string, CommandRecord>();
  /** Every command:run received, including repeats. */
  readonly received: CommandSpec[] = [];
  /** Command ids this agent executed (each at most once). */
  readonly executed: string[] = [];
  readonly cancelled: string[] = [];
  readonly helloAcks: AgentHelloAck[] = [];
  behavior: (spec: CommandSpec) => ScriptedOutcome = () => ({ status: "Succeeded", lines: [] });
  private seq = 0;
  private unacked: LogLine[] = [];
  private held = new Map<string, () => void>();

  constructor(url: string, credential: string, options: { protocolVersion?: number } = {}) {
    this.socket = io(`${url}${AGENT_NAMESPACE}`, {
      auth: { credential, protocolVersion: options.protocolVersion ?? AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      reconnectionDelay: 200,
      reconnectionDelayMax: 500,
    });
    this.socket.on("connect", () => void this.hello());
    this.socket.on("command:run", (spec, ack) => {
      this.received.push(spec);
      ack({ commandId: spec.commandId, accepted: true });
      if (this.executed.includes(spec.commandId)) return;
      this.commands.set(spec.commandId, { spec, state: "running" });
      this.executed.push(spec.commandId);
      const outcome = this.behavior(spec);
      for (const text of outcome.lines ?? []) this.log(spec.commandId, text);
      void this.flushLogs();
      if (outcome.status === "hold") this.held.set(spec.commandId, () => void this.finish(spec.commandId, "Succeeded"));
      else void this.finish(spec.commandId, outcome.status);
    });
    this.socket.on("command:cancel", (cancel, ack) => {
      this.cancelled.push(cancel.commandId);
      ack({ ok: true });
      if (this.commands.get(cancel.commandId)?.state === "running") void this.finish(cancel.commandId, "Failed", "Cancelled");
    });
  }

  /** Resolves once connected and greeted. */
  async ready(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.helloAcks.length > 0, { timeoutMs, what: "the scripted agent to connect and be greeted" });
  }

  /** Ends a held command successfully (its lines first). */
  release(commandId: string, lines: string[] = []): void {
    for (const text of lines) this.log(commandId, text);
    void this.flushLogs();
    this.held.get(commandId)?.();
    this.held.delete(commandId);
  }

  close(): void {
    this.socket.close();
  }

  private log(commandId: string, text: string): void {
    this.unacked.push({ seq: ++this.seq, commandId, at: Date.now(), stream: "stdout", text });
  }

  private async hello(): Promise<void> {
    const reply = (await this.socket.timeout(5_000).emitWithAck("agent:hello", {
      protocolVersion: AGENT_PROTOCOL_VERSION,
      facts: TEST_FACTS,
      commands: [...this.commands.entries()].map(([commandId, c]) => ({ commandId, state: c.state, result: c.result })),
      lastLogSeq: this.seq,
    })) as AgentHelloAck | { ok: false; error: string };
    if (!reply.ok) throw new Error(reply.error);
    this.unacked = this.unacked.filter((l) => l.seq > reply.ackedLogSeq);
    this.helloAcks.push(reply);
    await this.flushLogs();
    for (const [commandId, c] of this.commands) if (c.state === "finished" && c.result) await this.report(commandId, c.result);
  }

  private async flushLogs(): Promise<void> {
    if (!this.socket.connected || this.unacked.length === 0) return;
    const batch = this.unacked.slice(0, 5000);
    try {
      const reply = (await this.socket.timeout(5_000).emitWithAck("log:appended", { lines: batch })) as { ackedSeq?: number };
      if (typeof reply.ackedSeq === "number") this.unacked = this.unacked.filter((l) => l.seq > reply.ackedSeq!);
    } catch {
      // Resent after the next hello.
    }
  }

  private async finish(commandId: string, status: "Succeeded" | "Failed", errorCode: "ScriptFailed" | "Cancelled" = "ScriptFailed"): Promise<void> {
    const record = this.commands.get(commandId);
    if (!record || record.state === "finished") return;
    await this.flushLogs();
    const now = Date.now();
    record.state = "finished";
    record.result = {
      commandId,
      status,
      startedAt: now,
      finishedAt: now,
      diagnostics: {
        errorCode: status === "Succeeded" ? "Success" : errorCode,
        scriptName: status === "Failed" ? "scripts/hook.sh" : null,
        message: status,
        logTail: "",
      },
      scriptSource: { deploymentId: record.spec.deploymentId, revisionId: record.spec.revision.revisionId, sha256: record.spec.revision.sha256 },
      lastLogSeq: this.seq,
    };
    await this.report(commandId, record.result);
  }

  private async report(commandId: string, result: EventFinished): Promise<void> {
    if (!this.socket.connected) return;
    try {
      const reply = (await this.socket.timeout(5_000).emitWithAck("event:finished", result)) as { ok: boolean };
      if (reply.ok) this.commands.delete(commandId);
    } catch {
      // Reported again after the next hello.
    }
  }
}

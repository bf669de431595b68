import { io, type Socket } from "socket.io-client";
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL_VERSION,
  agentHelloAckSchema,
  logAckSchema,
  type AgentHello,
  type AgentHelloAck,
  type AgentToServerEvents,
  type HostFacts,
  type ServerToAgentEvents,
} from "../server/contracts/agent-protocol";
import type { CommandExecutor } from "./command-executor";
import type { Journal } from "./journal";
import { proxyAgentFor } from "./proxy";

export type ConnectionOptions = {
  serverUrl: string;
  credential: string;
  journal: Journal;
  executor: CommandExecutor;
  facts: () => HostFacts;
  /** The agent's own log. */
  log: (message: string) => void;
  /** Called after every accepted agent:hello. */
  onConnected?: (ack: AgentHelloAck) => void;
  /** Reconnect backoff: first delay and cap (jittered by ±50 %). */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Backoff when the server refuses the credential (deregistered host). */
  refusedDelayMs?: number;
  refusedDelayMaxMs?: number;
  ackTimeoutMs?: number;
  /** How long log lines wait to be batched. */
  batchDelayMs?: number;
  maxBatchLines?: number;
};

type AgentSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;

function jitter(ms: number): number {
  return Math.round(ms * (0.5 + Math.random()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The agent's durable link to the server. Socket.IO does not store events, so delivery is made
 * reliable here: log lines are resent from the journal after the server's last acknowledged seq,
 * and results are resent until acknowledged, each only after all of its command's lines were stored.
 */
export class AgentConnection {
  private readonly socket: AgentSocket;
  /** Bumped on every connect and disconnect; async work from an older generation stops. */
  private generation = 0;
  private ready = false;
  private ackedSeq = 0;
  private sentSeq = 0;
  private logPumpGeneration = -1;
  private resultPumpGeneration = -1;
  private resultPumpAgain = false;
  private batchTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private manualAttempts = 0;
  private reportedProblem: string | null = null;
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: ConnectionOptions) {
    const url = `${options.serverUrl.replace(/\/+$/, "")}${AGENT_NAMESPACE}`;
    this.socket = io(url, {
      auth: { credential: options.credential, protocolVersion: AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectDelayMaxMs ?? 30_000,
      randomizationFactor: 0.5,
      autoConnect: false,
      // engine.io passes `agent` to the WebSocket client; its type only admits string | boolean.
      agent: proxyAgentFor(options.serverUrl) as unknown as string,
    });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", (reason) => this.onDisconnect(reason));
    this.socket.on("connect_error", (error) => this.onConnectError(error));
    this.socket.on("command:run", (spec, ack) => {
      const reply = options.executor.accept(spec);
      if (reply.accepted) this.scheduleLogPump();
      else options.log(`refused command ${reply.commandId}: ${reply.reason}`);
      if (typeof ack === "function") ack(reply);
    });
    this.socket.on("command:cancel", (cancel, ack) => {
      const reply = options.executor.cancel(cancel);
      if (typeof ack === "function") ack(reply);
    });
    this.unsubscribe.push(options.journal.onAppend(() => this.scheduleLogPump()));
    this.unsubscribe.push(
      options.executor.onResult(() => {
        this.flushLogsNow();
        void this.pumpResults(this.generation);
      }),
    );
  }

  start(): void {
    this.socket.connect();
  }

  get isReady(): boolean {
    return this.ready;
  }

  close(): void {
    this.closed = true;
    this.ready = false;
    this.generation++;
    for (const off of this.unsubscribe) off();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket.disconnect();
  }

  private onConnect(): void {
    this.generation++;
    this.ready = false;
    void this.sendHello(this.generation);
  }

  private onDisconnect(reason: string): void {
    this.generation++;
    const wasReady = this.ready;
    this.ready = false;
    if (this.closed) return;
    if (wasReady) this.options.log(`disconnected from ${this.options.serverUrl} (${reason}); reconnecting`);
    // The server closed the session on purpose: Socket.IO will not reconnect by itself.
    if (reason === "io server disconnect") this.scheduleReconnect(false);
  }

  private onConnectError(error: Error): void {
    if (this.closed) return;
    if (this.socket.active) {
      this.reportOnce(`cannot reach ${this.options.serverUrl}: ${error.message}; retrying with backoff`);
      return;
    }
    // Refused by the server's middleware: no automatic retry, so retry slowly here.
    const hint = /unauthori[sz]ed|credential|deregistered/i.test(error.message)
      ? `the server rejected this host's credential (${error.message}). The host may have been deregistered; to enroll again, stop the agent, delete credential.json under the agent root and start it with --enroll TOKEN`
      : `the server refused the connection: ${error.message}`;
    this.reportOnce(`${hint}; retrying slowly`);
    this.scheduleReconnect(true);
  }

  private reportOnce(problem: string): void {
    if (this.reportedProblem === problem) return;
    this.reportedProblem = problem;
    this.options.log(problem);
  }

  private scheduleReconnect(refused: boolean): void {
    if (this.closed || this.reconnectTimer) return;
    const base = refused ? (this.options.refusedDelayMs ?? 30_000) : (this.options.reconnectDelayMs ?? 500);
    const max = refused ? (this.options.refusedDelayMaxMs ?? 300_000) : (this.options.reconnectDelayMaxMs ?? 30_000);
    const delay = jitter(Math.min(max, base * 2 ** Math.min(this.manualAttempts, 20)));
    this.manualAttempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  private async sendHello(generation: number): Promise<void> {
    const { journal } = this.options;
    const hello: AgentHello = {
      protocolVersion: AGENT_PROTOCOL_VERSION,
      facts: this.options.facts(),
      commands: journal
        .unacknowledgedCommands()
        .slice(-100)
        .map((c) =>
          c.state === "finished" && c.result
            ? { commandId: c.spec.commandId, state: "finished" as const, result: c.result }
            : { commandId: c.spec.commandId, state: "running" as const },
        ),
      lastLogSeq: journal.lastSeq,
    };
    let reply: unknown;
    try {
      reply = await this.socket.timeout(this.options.ackTimeoutMs ?? 30_000).emitWithAck("agent:hello", hello);
    } catch {
      if (generation !== this.generation) return;
      this.options.log("the server did not answer agent:hello; reconnecting");
      this.socket.disconnect();
      this.scheduleReconnect(false);
      return;
    }
    if (generation !== this.generation) return;
    const ack = agentHelloAckSchema.safeParse(reply);
    if (!ack.success) {
      const error = (reply as { error?: unknown })?.error;
      this.options.log(`the server refused agent:hello: ${typeof error === "string" ? error : "unexpected reply"}; retrying slowly`);
      this.socket.disconnect();
      this.scheduleReconnect(true);
      return;
    }
    if (ack.data.ackedLogSeq > journal.lastSeq) {
      this.options.log(
        `the server says it stored log lines up to ${ack.data.ackedLogSeq}, but this agent has written only up to ${journal.lastSeq}; not trusting it, retrying slowly`,
      );
      this.socket.disconnect();
      this.scheduleReconnect(true);
      return;
    }
    this.ackedSeq = ack.data.ackedLogSeq;
    this.sentSeq = ack.data.ackedLogSeq;
    journal.acknowledgeLogs(this.ackedSeq);
    this.ready = true;
    this.manualAttempts = 0;
    this.reportedProblem = null;
    this.options.log(`connected to ${this.options.serverUrl} as ${ack.data.hostName}`);
    this.options.onConnected?.(ack.data);
    void this.pumpLogs(generation);
    void this.pumpResults(generation);
  }

  /** A finished event waits on its lines being stored, so its last lines are sent without the batching delay. */
  private flushLogsNow(): void {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = null;
    }
    if (this.ready) void this.pumpLogs(this.generation);
  }

  private scheduleLogPump(): void {
    if (!this.ready || this.batchTimer || this.logPumpGeneration === this.generation) return;
    const pending = this.options.journal.lastSeq - this.sentSeq;
    const delay = pending >= (this.options.maxBatchLines ?? 1000) ? 0 : (this.options.batchDelayMs ?? 50);
    this.batchTimer = setTimeout(() => {
      this.batchTimer = null;
      void this.pumpLogs(this.generation);
    }, delay);
  }

  /** Sends journaled lines after sentSeq, one batch in flight, until the server has them all. */
  private async pumpLogs(generation: number): Promise<void> {
    if (this.logPumpGeneration === generation) return;
    this.logPumpGeneration = generation;
    const { journal } = this.options;
    try {
      while (generation === this.generation && this.ready && this.sentSeq < journal.lastSeq) {
        const lines = journal.readAfter(this.sentSeq, this.options.maxBatchLines ?? 1000);
        if (lines.length === 0) {
          this.sentSeq = journal.lastSeq;
          break;
        }
        let reply: unknown;
        try {
          reply = await this.socket.timeout(this.options.ackTimeoutMs ?? 30_000).emitWithAck("log:appended", { lines });
        } catch {
          if (generation !== this.generation) return;
          this.options.log("the server did not acknowledge log lines in time; resending");
          this.sentSeq = this.ackedSeq;
          continue;
        }
        if (generation !== this.generation) return;
        const ack = logAckSchema.safeParse(reply);
        if (!ack.success) {
          const error = (reply as { error?: unknown })?.error;
          this.options.log(`the server refused log lines: ${typeof error === "string" ? error : "unexpected reply"}; retrying`);
          this.sentSeq = this.ackedSeq;
          await sleep(2000);
          continue;
        }
        if (ack.data.ackedSeq > journal.lastSeq) {
          this.options.log(
            `the server acknowledged log line ${ack.data.ackedSeq}, but this agent has written only up to ${journal.lastSeq}; not trusting it, resending`,
          );
          this.sentSeq = this.ackedSeq;
          await sleep(2000);
          continue;
        }
        this.ackedSeq = Math.max(this.ackedSeq, ack.data.ackedSeq);
        const lastSent = lines.at(-1)!.seq;
        if (ack.data.ackedSeq >= lastSent) {
          this.sentSeq = lastSent;
        } else {
          this.sentSeq = this.ackedSeq;
          await sleep(1000);
        }
        journal.acknowledgeLogs(this.ackedSeq);
        void this.pumpResults(generation);
      }
    } finally {
      if (this.logPumpGeneration === generation) this.logPumpGeneration = -1;
    }
    if (generation === this.generation && this.ready && this.sentSeq < journal.lastSeq) this.scheduleLogPump();
  }

  /** Delivers journaled results whose log lines the server already stored, until each is acknowledged. */
  private async pumpResults(generation: number): Promise<void> {
    if (this.resultPumpGeneration === generation) {
      this.resultPumpAgain = true;
      return;
    }
    if (!this.ready || generation !== this.generation) return;
    this.resultPumpGeneration = generation;
    const { journal } = this.options;
    try {
      do {
        this.resultPumpAgain = false;
        for (const result of journal.pendingResults()) {
          if (generation !== this.generation || !this.ready) return;
          if (result.lastLogSeq > this.ackedSeq) continue;
          let reply: unknown;
          try {
            reply = await this.socket.timeout(this.options.ackTimeoutMs ?? 30_000).emitWithAck("event:finished", result);
          } catch {
            this.retryResultsLater(generation);
            return;
          }
          if (generation !== this.generation) return;
          if ((reply as { ok?: unknown })?.ok === true) {
            journal.recordResultAcked(result.commandId);
          } else {
            const error = (reply as { error?: unknown })?.error;
            this.options.log(
              `the server refused the result of command ${result.commandId}: ${typeof error === "string" ? error : "unexpected reply"}; retrying`,
            );
            this.retryResultsLater(generation);
            return;
          }
        }
      } while (this.resultPumpAgain);
    } finally {
      if (this.resultPumpGeneration === generation) this.resultPumpGeneration = -1;
    }
  }

  private retryResultsLater(generation: number): void {
    setTimeout(() => {
      if (generation === this.generation) void this.pumpResults(generation);
    }, 5000).unref();
  }
}

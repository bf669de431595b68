import { io, type Socket } from "socket.io-client";
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL_VERSION,
  agentHelloAckSchema,
  commandCancelSchema,
  commandSpecSchema,
  logAckSchema,
  type AgentHello,
  type AgentToServerEvents,
  type CommandSpec,
  type EventFinished,
  type LogLine,
  type ServerToAgentEvents,
} from "../server/contracts/agent-protocol";
import { downloadOnce } from "./sim-download";
import { enrollSimHost, simHostFacts } from "./sim-enrollment";
import type { DownloadResult, SimCredential, SimHost, SimMode, SimReply, SimRequest, SimStats } from "./sim-messages";

/**
 * A sim-agents worker: many simulated agents in one process, each a socket.io-client connection speaking
 * agent-protocol.ts. Started by sim-fleet.ts with an IPC channel; never runs hook processes.
 */

type AgentSocket = Socket<ServerToAgentEvents, AgentToServerEvents>;
type SentResult = { result: EventFinished; acked: boolean; attempts: number };

type SimAgent = {
  host: SimHost;
  credential: SimCredential | null;
  socket: AgentSocket | null;
  ready: boolean;
  readyAt: number;
  /** Highest log seq this host has written. */
  seq: number;
  /** Results by command id, newest last; bounded. */
  results: Map<string, SentResult>;
  /** The stream event, held until the bench says "stream". */
  held: CommandSpec | null;
  streaming: CommandSpec | null;
  onReady: (() => void)[];
};

const RESULT_MEMORY = 50;
const ACK_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 60_000;

let serverUrl = "";
let mode: SimMode = { kind: "instant" };
let streamParams: { until: number; batchLines: number; lineBytes: number } | null = null;
const agents: SimAgent[] = [];
const stats: Omit<SimStats, "hosts" | "enrolled" | "ready" | "readySince" | "streamWaiting"> = {
  commandsReceived: 0,
  resultsAcked: 0,
  streamsDone: 0,
  linesSent: 0,
  linesAcked: 0,
  streamStartedAt: null,
  streamLastAckAt: null,
  errors: 0,
  errorSamples: [],
};

function recordError(message: string): void {
  stats.errors++;
  if (stats.errorSamples.length < 5 && !stats.errorSamples.includes(message)) stats.errorSamples.push(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = (ms: number) => Math.round(ms * (0.5 + Math.random()));

/** Runs `fn` over `items` with at most `limit` in flight. */
async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

/** Enrolls the hosts that have no credential yet; returns the new credentials by host name and the first failure. */
async function enrollMissing(token: string): Promise<{ enrolled: Record<string, SimCredential>; error: string | null }> {
  const enrolled: Record<string, SimCredential> = {};
  const missing = agents.filter((a) => !a.credential);
  let failed: Error | null = null;
  await runLimited(missing, 16, async (agent) => {
    if (failed) return;
    try {
      agent.credential = await enrollSimHost(serverUrl, token, agent.host);
      enrolled[agent.host.name] = agent.credential;
    } catch (error) {
      failed = error as Error;
    }
  });
  return { enrolled, error: failed ? (failed as Error).message : null };
}

/** Resolves once the host said hello, or after CONNECT_TIMEOUT_MS (the bench then finds it not ready). */
function connect(agent: SimAgent): Promise<void> {
  return new Promise((resolve) => {
    if (agent.ready) return resolve();
    agent.onReady.push(resolve);
    setTimeout(resolve, CONNECT_TIMEOUT_MS);
    if (agent.socket) return;
    const socket: AgentSocket = io(`${serverUrl}${AGENT_NAMESPACE}`, {
      auth: { credential: agent.credential!.credential, protocolVersion: AGENT_PROTOCOL_VERSION },
      transports: ["websocket"],
      forceNew: true,
      // The real agent's reconnect policy (agent/connection.ts).
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    agent.socket = socket;
    socket.on("connect", () => void sayHello(agent));
    socket.on("disconnect", (reason) => {
      agent.ready = false;
      if (reason === "io server disconnect") setTimeout(() => socket.connect(), jitter(1000));
    });
    socket.on("connect_error", (error) => {
      if (socket.active) return;
      recordError(`connection refused: ${error.message}`);
      setTimeout(() => socket.connect(), jitter(5000));
    });
    socket.on("command:run", (raw, ack) => onCommand(agent, raw, ack));
    socket.on("command:cancel", (raw, ack) => {
      const cancel = commandCancelSchema.safeParse(raw);
      if (typeof ack === "function") ack({ ok: cancel.success });
      if (cancel.success && agent.held?.commandId === cancel.data.commandId) {
        const spec = agent.held;
        agent.held = null;
        finish(agent, spec, "Failed", agent.seq);
      }
    });
  });
}

async function sayHello(agent: SimAgent): Promise<void> {
  const socket = agent.socket!;
  const commands: AgentHello["commands"] = [...agent.results.values()]
    .filter((r) => !r.acked)
    .slice(-99)
    .map((r) => ({ commandId: r.result.commandId, state: "finished" as const, result: r.result }));
  const running = agent.held ?? agent.streaming;
  if (running) commands.push({ commandId: running.commandId, state: "running" });
  const hello: AgentHello = { protocolVersion: AGENT_PROTOCOL_VERSION, facts: simHostFacts(agent.host.name), commands, lastLogSeq: agent.seq };
  let reply: unknown;
  try {
    reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("agent:hello", hello);
  } catch {
    recordError("agent:hello was not acknowledged");
    socket.disconnect();
    setTimeout(() => socket.connect(), jitter(2000));
    return;
  }
  const ack = agentHelloAckSchema.safeParse(reply);
  if (!ack.success) {
    recordError(`agent:hello refused: ${String((reply as { error?: unknown })?.error ?? "unexpected reply")}`);
    socket.disconnect();
    setTimeout(() => socket.connect(), jitter(5000));
    return;
  }
  agent.seq = Math.max(agent.seq, ack.data.ackedLogSeq);
  agent.ready = true;
  agent.readyAt = Date.now();
  for (const sent of agent.results.values()) if (!sent.acked) void sendResult(agent, sent);
  for (const resolve of agent.onReady.splice(0)) resolve();
}

function onCommand(agent: SimAgent, raw: unknown, ack: (reply: { commandId: string; accepted: boolean; reason?: string }) => void): void {
  stats.commandsReceived++;
  const parsed = commandSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const commandId = String((raw as { commandId?: unknown })?.commandId ?? "");
    recordError(`invalid command:run: ${parsed.error.issues[0]?.message}`);
    if (typeof ack === "function") ack({ commandId, accepted: false, reason: "invalid command" });
    return;
  }
  const spec = parsed.data;
  if (typeof ack === "function") ack({ commandId: spec.commandId, accepted: true });
  const known = agent.results.get(spec.commandId);
  if (known) {
    known.acked = false;
    void sendResult(agent, known);
    return;
  }
  if (agent.held?.commandId === spec.commandId || agent.streaming?.commandId === spec.commandId) return;
  if (mode.kind === "logs" && spec.lifecycleEvent === mode.streamEvent) {
    agent.held = spec;
    if (streamParams) void stream(agent);
    return;
  }
  finish(agent, spec, "Succeeded", 0);
}

function finish(agent: SimAgent, spec: CommandSpec, status: "Succeeded" | "Failed", lastLogSeq: number): void {
  const now = Date.now();
  const runsScripts = spec.lifecycleEvent !== "DownloadBundle" && spec.lifecycleEvent !== "Install";
  const result: EventFinished = {
    commandId: spec.commandId,
    status,
    startedAt: now,
    finishedAt: now,
    diagnostics: { errorCode: status === "Succeeded" ? "Success" : "Cancelled", scriptName: null, message: status, logTail: "" },
    scriptSource: runsScripts ? { deploymentId: spec.deploymentId, revisionId: spec.revision.revisionId, sha256: spec.revision.sha256 } : null,
    lastLogSeq,
  };
  const sent: SentResult = { result, acked: false, attempts: 0 };
  agent.results.set(spec.commandId, sent);
  if (agent.results.size > RESULT_MEMORY) agent.results.delete(agent.results.keys().next().value!);
  void sendResult(agent, sent);
}

/** Delivers a result until acknowledged; while disconnected, the next agent:hello carries it. */
async function sendResult(agent: SimAgent, sent: SentResult): Promise<void> {
  if (!agent.ready || !agent.socket || sent.acked) return;
  sent.attempts++;
  let reply: { ok?: unknown; error?: unknown } | undefined;
  try {
    reply = await agent.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("event:finished", sent.result);
  } catch {
    reply = { ok: false, error: "event:finished was not acknowledged in time" };
  }
  if (reply?.ok === true) {
    if (!sent.acked) stats.resultsAcked++;
    sent.acked = true;
    return;
  }
  recordError(`event:finished refused: ${String(reply?.error ?? "unexpected reply")}`);
  if (sent.attempts < 5) setTimeout(() => void sendResult(agent, sent), 1000);
}

function lineText(now: number, agent: SimAgent, seq: number, bytes: number): string {
  const head = `${now} ${agent.host.name} ${seq} `;
  return head.length >= bytes ? head : head + ".".repeat(bytes - head.length);
}

/** Sends a batch until the server has stored all of it (a short ack means: resend what is missing). */
async function sendLines(agent: SimAgent, batch: LogLine[]): Promise<void> {
  let lines = batch;
  for (let attempt = 0; attempt < 20 && lines.length > 0; attempt++) {
    if (!agent.ready) await new Promise<void>((resolve) => agent.onReady.push(resolve));
    let reply: unknown;
    try {
      reply = await agent.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck("log:appended", { lines });
    } catch {
      recordError("log:appended was not acknowledged in time");
      continue;
    }
    const ack = logAckSchema.safeParse(reply);
    if (!ack.success) {
      recordError(`log:appended refused: ${String((reply as { error?: unknown })?.error ?? "unexpected reply")}`);
      await sleep(500);
      continue;
    }
    const stored = lines.filter((l) => l.seq <= ack.data.ackedSeq).length;
    stats.linesAcked += stored;
    if (stored > 0) stats.streamLastAckAt = Date.now();
    lines = lines.slice(stored);
  }
  if (lines.length > 0) recordError(`${lines.length} log lines were never acknowledged`);
}

async function stream(agent: SimAgent): Promise<void> {
  const spec = agent.held;
  const params = streamParams;
  if (!spec || !params) return;
  agent.held = null;
  agent.streaming = spec;
  while (Date.now() < params.until) {
    const now = Date.now();
    const lines: LogLine[] = [];
    for (let i = 0; i < params.batchLines; i++) {
      const seq = ++agent.seq;
      lines.push({ seq, commandId: spec.commandId, at: now, stream: "stdout", text: lineText(now, agent, seq, params.lineBytes) });
    }
    stats.linesSent += lines.length;
    stats.streamStartedAt ??= now;
    await sendLines(agent, lines);
  }
  agent.streaming = null;
  stats.streamsDone++;
  finish(agent, spec, "Succeeded", agent.seq);
}

async function handle(request: SimRequest): Promise<unknown> {
  switch (request.type) {
    case "start": {
      serverUrl = request.serverUrl;
      mode = request.mode;
      request.hosts.forEach((host) =>
        agents.push({
          host,
          credential: request.credentials[host.name] ?? null,
          socket: null,
          ready: false,
          readyAt: 0,
          seq: 0,
          results: new Map(),
          held: null,
          streaming: null,
          onReady: [],
        }),
      );
      return await enrollMissing(request.enrollToken);
    }
    case "connect": {
      const started = Date.now();
      await runLimited(agents.slice(0, request.count), request.concurrency, connect);
      return { ms: Date.now() - started };
    }
    case "stats": {
      const since = request.readySince ?? Infinity;
      const result: SimStats = {
        ...stats,
        hosts: agents.length,
        enrolled: agents.filter((a) => a.credential).length,
        ready: agents.filter((a) => a.ready).length,
        readySince: agents.filter((a) => a.ready && a.readyAt >= since).length,
        streamWaiting: agents.filter((a) => a.held).length,
      };
      return result;
    }
    case "mode":
      mode = request.mode;
      return {};
    case "stream":
      streamParams = { until: Date.now() + request.durationMs, batchLines: request.batchLines, lineBytes: request.lineBytes };
      await Promise.all(agents.filter((a) => a.held).map((a) => stream(a)));
      return {};
    case "download": {
      const ready = agents.filter((a) => a.ready);
      const startedAt = Date.now();
      const sizes = await Promise.all(ready.map((a) => downloadOnce(request.url, request.withCredential ? a.credential!.credential : null, recordError)));
      const result: DownloadResult = {
        downloads: ready.length,
        bytes: sizes.filter((s) => s > 0).reduce((sum, s) => sum + s, 0),
        failures: sizes.filter((s) => s < 0).length,
        startedAt,
        finishedAt: Date.now(),
      };
      return result;
    }
    case "stop":
      for (const agent of agents) agent.socket?.close();
      setTimeout(() => process.exit(0), 50);
      return {};
  }
}

process.on("message", (message: { id: number; request: SimRequest }) => {
  handle(message.request).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies SimReply),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: (error as Error).message ?? String(error) } satisfies SimReply),
  );
});
process.on("disconnect", () => process.exit(0));

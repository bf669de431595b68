import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL_VERSION,
  ENROLL_PATH,
  agentHandshakeSchema,
  agentHelloSchema,
  enrollRequestSchema,
  eventFinishedSchema,
  logAppendedSchema,
  type AgentHello,
  type AgentToServerEvents,
  type CommandAccepted,
  type CommandCancel,
  type CommandSpec,
  type EnrollRequest,
  type EventFinished,
  type LogLine,
  type ServerToAgentEvents,
} from "../../server/contracts/agent-protocol";

/**
 * The server side of the agent protocol, reduced to what agent tests need: enrollment, bundle
 * downloads with Range, credential check, hello/resume, log storage by seq with acks, results.
 * It checks the agent's delivery promises as it goes (lines in order, results after their lines).
 */
export type ProtocolServer = Awaited<ReturnType<typeof startProtocolServer>>;

export type ProtocolServerOptions = {
  credential?: string;
  enrollToken?: string;
  /** Close the first download of each bundle after this many bytes, to exercise resume. */
  dropFirstDownloadAfterBytes?: number;
};

export async function startProtocolServer(options: ProtocolServerOptions = {}) {
  const credential = options.credential ?? `host-1.${randomUUID()}`;
  const enrollToken = options.enrollToken ?? "enroll-token-0123456789";
  const bundles = new Map<string, Buffer>();
  const downloads: { sha256: string; range: string | null; authorized: boolean }[] = [];
  const enrollments: EnrollRequest[] = [];
  const hellos: AgentHello[] = [];
  /** Lines stored, in arrival order, each seq once. */
  const stored: LogLine[] = [];
  const violations: string[] = [];
  const results: EventFinished[] = [];
  let duplicateLines = 0;
  let handshakes = 0;
  let logAckDelayMs = 0;
  let forgedLogAcks = 0;
  let agent: Socket<AgentToServerEvents, ServerToAgentEvents> | null = null;
  let hostName = "web-1";
  const maxSeq = () => stored.at(-1)?.seq ?? 0;

  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "POST" && url.pathname === ENROLL_PATH) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const parsed = enrollRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        if (!parsed.success || parsed.data.token !== enrollToken) {
          res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid or expired enrollment token" }));
          return;
        }
        enrollments.push(parsed.data);
        hostName = parsed.data.name;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hostId: "host-1", hostName, credential }));
      });
      return;
    }
    const match = /^\/api\/agent\/bundles\/([0-9a-f]{64})$/.exec(url.pathname);
    if (req.method === "GET" && match) {
      const authorized = req.headers.authorization === `Bearer ${credential}`;
      const range = req.headers.range ?? null;
      const first = !downloads.some((d) => d.sha256 === match[1]);
      downloads.push({ sha256: match[1], range, authorized });
      const body = bundles.get(match[1]);
      if (!authorized) return void res.writeHead(401).end();
      if (!body) return void res.writeHead(404).end();
      const start = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) : 0;
      const slice = body.subarray(start);
      res.writeHead(range ? 206 : 200, {
        "content-length": slice.length,
        ...(range ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      if (first && options.dropFirstDownloadAfterBytes !== undefined) {
        res.write(slice.subarray(0, options.dropFirstDownloadAfterBytes), () => setTimeout(() => res.destroy(), 20));
        return;
      }
      res.end(slice);
      return;
    }
    res.writeHead(404).end();
  });

  const io = new Server(httpServer, { serveClient: false });
  const namespace = io.of(AGENT_NAMESPACE);
  namespace.use((socket, next) => {
    handshakes++;
    const auth = agentHandshakeSchema.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.credential !== credential || auth.data.protocolVersion !== AGENT_PROTOCOL_VERSION) {
      return next(new Error("unauthorized"));
    }
    next();
  });
  namespace.on("connection", (socket: Socket<AgentToServerEvents, ServerToAgentEvents>) => {
    agent = socket;
    socket.on("agent:hello", (hello, ack) => {
      hellos.push(agentHelloSchema.parse(hello));
      ack({ ok: true, hostId: "host-1", hostName, ackedLogSeq: maxSeq() });
    });
    socket.on("log:appended", (batch, ack) => {
      const parsed = logAppendedSchema.safeParse(batch);
      if (!parsed.success) return ack({ ok: false, error: parsed.error.message });
      if (forgedLogAcks > 0) {
        forgedLogAcks--;
        return ack({ ackedSeq: Number.MAX_SAFE_INTEGER });
      }
      for (const line of parsed.data.lines) {
        if (line.seq <= maxSeq()) {
          duplicateLines++;
          continue;
        }
        if (stored.length > 0 && line.seq !== maxSeq() + 1) violations.push(`gap before seq ${line.seq} (had ${maxSeq()})`);
        stored.push(line);
      }
      const reply = { ackedSeq: maxSeq() };
      if (logAckDelayMs > 0) setTimeout(() => ack(reply), logAckDelayMs);
      else ack(reply);
    });
    socket.on("event:finished", (result, ack) => {
      const parsed = eventFinishedSchema.parse(result);
      if (parsed.lastLogSeq > maxSeq()) violations.push(`result of ${parsed.commandId} arrived before its line ${parsed.lastLogSeq}`);
      results.push(parsed);
      ack({ ok: true });
    });
    socket.on("disconnect", () => {
      if (agent === socket) agent = null;
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const port = (httpServer.address() as AddressInfo).port;

  const connectedAgent = () => {
    if (!agent) throw new Error("no agent connected");
    return agent;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    credential,
    enrollToken,
    downloads,
    enrollments,
    hellos,
    stored,
    results,
    violations,
    get duplicateLines() {
      return duplicateLines;
    },
    get handshakes() {
      return handshakes;
    },
    get isAgentConnected() {
      return agent !== null;
    },
    /** Serves `body` as a bundle and returns its sha256 (or serves it under a wrong `sha256`, to test verification). */
    addBundle(body: Buffer, servedAs?: string): string {
      const sha256 = servedAs ?? createHash("sha256").update(body).digest("hex");
      bundles.set(sha256, body);
      return sha256;
    },
    setLogAckDelay(ms: number) {
      logAckDelayMs = ms;
    },
    /** Answers the next `count` log batches with an acknowledgement of seq 2^53-1, storing nothing. */
    forgeLogAcks(count: number) {
      forgedLogAcks = count;
    },
    sendCommand(spec: CommandSpec): Promise<CommandAccepted> {
      return connectedAgent().timeout(5000).emitWithAck("command:run", spec);
    },
    cancelCommand(cancel: CommandCancel): Promise<{ ok: boolean }> {
      return connectedAgent().timeout(5000).emitWithAck("command:cancel", cancel);
    },
    /** Ends the agent's session from the server side. */
    dropAgent() {
      agent?.disconnect(true);
    },
    linesOf(commandId: string): LogLine[] {
      return stored.filter((l) => l.commandId === commandId);
    },
    async close() {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

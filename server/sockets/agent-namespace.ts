import { and, eq, isNull } from "drizzle-orm";
import type { Server } from "socket.io";
import type { z } from "zod";
import { resolveHostCredential } from "../auth/host-credentials";
import {
  AGENT_NAMESPACE,
  AGENT_PROTOCOL_VERSION,
  agentHandshakeSchema,
  agentHelloSchema,
  eventFinishedSchema,
  logAppendedSchema,
} from "../contracts/agent-protocol";
import { liveRooms } from "../contracts/live-updates";
import type { Deps } from "../deps";
import { countReplacement } from "../engine/connection-churn";
import { createLogIngest } from "../storage/log-store";
import { hosts } from "../storage/schema";
import { hostRoom, type AgentNamespace } from "./agent-gateway";
import type { RevokedConnections } from "./revoked-connections";

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "payload"}: ${i.message}`)
    .join("; ");
}

function versionMismatch(version: number): string {
  return `Agent protocol version ${version} is not supported; this server speaks version ${AGENT_PROTOCOL_VERSION}. Install the agent that matches the server`;
}

const DEREGISTERED = "Unknown, wrong or deregistered host credential; enroll the agent again";

type Ack = (reply: unknown) => void;
const ackOf = (ack: unknown): Ack => (typeof ack === "function" ? (ack as Ack) : () => {});

/**
 * The /agent namespace: host-credential auth, hello and resume, results and logs. A socket acts for exactly
 * one host (socket.data.hostId) and may only report on commands of that host's targets. A deregistered host's
 * sockets are ended by endRevokedConnections, and its agent:hello is refused should one slip through.
 */
export function attachAgentNamespace(io: Server, deps: Deps): RevokedConnections {
  const nsp = io.of(AGENT_NAMESPACE) as AgentNamespace;
  const logs = createLogIngest(deps.db);

  const setOnline = (hostId: string, online: boolean) => {
    const at = deps.now();
    const row = deps.db.update(hosts).set({ online, lastSeenAt: at }).where(eq(hosts.id, hostId)).returning({ name: hosts.name }).get();
    if (row) deps.services.live.publish(liveRooms.fleet, "host:updated", { hostId, name: row.name, online, lastSeenAt: at });
  };

  const recordReplacement = (hostId: string) => {
    const row = deps.db
      .select({ replacements: hosts.connectionReplacements, lastReplacedAt: hosts.connectionReplacedAt })
      .from(hosts)
      .where(eq(hosts.id, hostId))
      .get();
    if (!row) return;
    const churn = countReplacement(row, deps.now());
    deps.db.update(hosts).set({ connectionReplacements: churn.replacements, connectionReplacedAt: churn.lastReplacedAt }).where(eq(hosts.id, hostId)).run();
  };
  const isRegistered = (hostId: string) =>
    deps.db
      .select({ id: hosts.id })
      .from(hosts)
      .where(and(eq(hosts.id, hostId), isNull(hosts.deregisteredAt)))
      .get() !== undefined;

  nsp.use((socket, next) => {
    const handshake = agentHandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) return next(new Error(`Invalid agent handshake: ${describeIssues(handshake.error)}`));
    if (handshake.data.protocolVersion !== AGENT_PROTOCOL_VERSION) return next(new Error(versionMismatch(handshake.data.protocolVersion)));
    const host = resolveHostCredential(deps.db, handshake.data.credential);
    if (!host) return next(new Error(DEREGISTERED));
    socket.data.hostId = host.hostId;
    socket.data.hostName = host.hostName;
    next();
  });

  nsp.on("connection", (socket) => {
    const { hostId, hostName } = socket.data;
    // The newest connection per host wins: an older one is a stale process or a half-open link.
    let replaced = 0;
    for (const id of nsp.adapter.rooms.get(hostRoom(hostId)) ?? []) {
      if (id === socket.id) continue;
      nsp.sockets.get(id)?.disconnect(true);
      replaced++;
    }
    if (replaced > 0) recordReplacement(hostId);
    void socket.join(hostRoom(hostId));
    setOnline(hostId, true);
    deps.services.metrics.agentConnected();

    socket.on("agent:hello", (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const hello = agentHelloSchema.safeParse(payload);
      if (!hello.success) return ack({ ok: false, error: `Invalid agent:hello: ${describeIssues(hello.error)}` });
      if (hello.data.protocolVersion !== AGENT_PROTOCOL_VERSION) return ack({ ok: false, error: versionMismatch(hello.data.protocolVersion) });
      if (!isRegistered(hostId)) {
        ack({ ok: false, error: DEREGISTERED });
        socket.disconnect(true);
        return;
      }
      deps.db.update(hosts).set({ facts: hello.data.facts, online: true, lastSeenAt: deps.now() }).where(eq(hosts.id, hostId)).run();
      ack({ ok: true, hostId, hostName, ackedLogSeq: logs.resumeLogSeq(hostId, hello.data.lastLogSeq) });
      deps.services.orchestrator.reconcileAgent(hostId, hello.data.commands).catch((err: unknown) => console.error("agent hello reconcile failed:", err));
    });

    socket.on("event:finished", (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const result = eventFinishedSchema.safeParse(payload);
      if (!result.success) return ack({ ok: false, error: `Invalid event:finished: ${describeIssues(result.error)}` });
      deps.services.orchestrator.recordEventFinished(hostId, result.data).then(ack, (err: unknown) => {
        const full = deps.services.storageHealth.recordFailure(err);
        console.error("recording event:finished failed:", err);
        ack({
          ok: false,
          error: full
            ? "The server cannot store data right now (its disk is full or failing); send it again"
            : "The server could not store the result; send it again",
        });
      });
    });

    socket.on("log:appended", (payload: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      const batch = logAppendedSchema.safeParse(payload);
      if (!batch.success) return ack({ ok: false, error: `Invalid log:appended: ${describeIssues(batch.error)}` });
      let appended;
      try {
        appended = logs.append(hostId, batch.data.lines);
      } catch (err) {
        const full = deps.services.storageHealth.recordFailure(err);
        console.error("storing log lines failed:", err);
        return ack({
          ok: false,
          error: full
            ? "The server cannot store data right now (its disk is full or failing); send the lines again"
            : "The server could not store the lines; send them again",
        });
      }
      if (appended.stored > 0) deps.services.storageHealth.recordSuccess();
      ack(appended.refused ? { ok: false, error: `Refused log:appended: ${appended.refused}` } : { ackedSeq: appended.ackedSeq });
      if (appended.stored > 0) deps.services.metrics.logLinesIngested(appended.stored);
      for (const [targetId, { deploymentId, lines }] of appended.byTarget) {
        deps.services.live.publish(liveRooms.targetLogs(targetId), "log:lines", { deploymentId, targetId, lines });
      }
    });

    socket.on("disconnect", () => {
      deps.services.metrics.agentDisconnected();
      // A newer connection of the same host may already be in the room.
      if ((nsp.adapter.rooms.get(hostRoom(hostId))?.size ?? 0) > 0) return;
      setOnline(hostId, false);
    });
  });

  return {
    endRevokedConnections() {
      for (const socket of nsp.sockets.values()) if (!isRegistered(socket.data.hostId)) socket.disconnect(true);
    },
  };
}

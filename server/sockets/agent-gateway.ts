import type { Namespace } from "socket.io";
import { commandAcceptedSchema, type AgentToServerEvents, type ServerToAgentEvents } from "../contracts/agent-protocol";
import type { AgentGateway } from "../orchestrator/ports";

export type AgentSocketData = { hostId: string; hostName: string };
export type AgentNamespace = Namespace<AgentToServerEvents, ServerToAgentEvents, Record<string, never>, AgentSocketData>;

/** Every agent socket joins its host's room; the newest connection per host is the only member. */
export const hostRoom = (hostId: string) => `host:${hostId}`;

/** How long an agent has to acknowledge a command:run or command:cancel. */
const ACK_TIMEOUT_MS = 10_000;

function socketFor(nsp: AgentNamespace, hostId: string) {
  for (const id of nsp.adapter.rooms.get(hostRoom(hostId)) ?? []) {
    const socket = nsp.sockets.get(id);
    if (socket?.connected) return socket;
  }
  return null;
}

/** The orchestrator's AgentGateway over the /agent namespace. */
export function createSocketAgentGateway(nsp: AgentNamespace): AgentGateway {
  return {
    async sendCommand(hostId, spec) {
      const socket = socketFor(nsp, hostId);
      if (!socket) return null;
      try {
        const reply: unknown = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("command:run", spec);
        const parsed = commandAcceptedSchema.safeParse(reply);
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    async cancelCommand(hostId, cancel) {
      const socket = socketFor(nsp, hostId);
      if (!socket) return false;
      try {
        const reply = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("command:cancel", cancel)) as { ok?: unknown } | null;
        return reply?.ok === true;
      } catch {
        return false;
      }
    },
    isConnected: (hostId) => socketFor(nsp, hostId) !== null,
  };
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import type { Deps } from "../deps";
import { AGENT_NAMESPACE } from "../contracts/agent-protocol";
import { createSocketAgentGateway, type AgentNamespace } from "../sockets/agent-gateway";
import { attachAgentNamespace } from "../sockets/agent-namespace";
import { attachBrowserNamespace } from "../sockets/browser-namespace";
import { wireTestOrchestrator } from "./deployment-fixtures";

export type SocketTestServer = { url: string; close: () => Promise<void> };

/** A real Socket.IO server on a loopback port with the agent and browser namespaces and the orchestrator running. */
export async function startSocketTestServer(deps: Deps): Promise<SocketTestServer> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const orchestrator = wireTestOrchestrator(deps, createSocketAgentGateway(io.of(AGENT_NAMESPACE) as AgentNamespace), attachBrowserNamespace(io, deps));
  attachAgentNamespace(io, deps);
  orchestrator.boot();
  const timer = setInterval(() => orchestrator.tick(), 1_000);
  const stopOrchestrator = () => clearInterval(timer);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: async () => {
      stopOrchestrator();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

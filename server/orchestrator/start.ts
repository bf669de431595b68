import type { Server } from "socket.io";
import { AGENT_NAMESPACE } from "../contracts/agent-protocol";
import type { Deps } from "../deps";
import type { Env } from "../env";
import type { EngineLimits } from "../engine/deployment-state";
import { createSocketAgentGateway, type AgentNamespace } from "../sockets/agent-gateway";
import { silentLivePublisher } from "../sockets/live-publisher";
import { createDeploymentStore } from "../storage/deployment-store";
import { createOrchestrator } from "./orchestrator";

export const TICK_INTERVAL_MS = 1_000;

export function limitsFromEnv(env: Env): EngineLimits {
  return { agentGraceMs: env.LANDLINE_AGENT_GRACE_SECONDS * 1000, eventPickupMs: env.LANDLINE_EVENT_PICKUP_SECONDS * 1000 };
}

/** Starts the deployment loop (registered as deps.services.orchestrator); returns a function that stops it. */
export function startOrchestrator(deps: Deps, io: Server): () => void {
  const orchestrator = createOrchestrator({
    store: createDeploymentStore(deps.db),
    gateway: createSocketAgentGateway(io.of(AGENT_NAMESPACE) as AgentNamespace),
    live: { publish: (room, event, ...args) => (deps.services.live ?? silentLivePublisher).publish(room, event, ...args) },
    now: deps.now,
    limits: limitsFromEnv(deps.env),
    notifier: { notify: (event) => deps.services.notifier?.notify(event) },
    metrics: {
      deploymentFinished: (status, seconds) => deps.services.metrics?.deploymentFinished(status, seconds),
      eventFinished: (event, status, seconds) => deps.services.metrics?.eventFinished(event, status, seconds),
    },
    onError: (err) => {
      deps.services.storageHealth?.recordFailure(err);
      console.error("deployment orchestrator:", err);
    },
  });
  deps.services.orchestrator = orchestrator;
  orchestrator.boot();
  const timer = setInterval(() => orchestrator.tick(), TICK_INTERVAL_MS);
  return () => clearInterval(timer);
}

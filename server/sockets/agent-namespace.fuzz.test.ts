import { eq } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateHostCredential } from "../auth/host-credentials";
import { AGENT_NAMESPACE, AGENT_PROTOCOL_VERSION, agentHelloSchema, eventFinishedSchema, logAppendedSchema } from "../contracts/agent-protocol";
import { hosts } from "../storage/schema";
import { socketPayload, validAgentPayloads } from "../test/agent-payloads";
import { seedDeploymentGroup } from "../test/deployment-fixtures";
import { fuzzAsync } from "../test/fuzz";
import { startSocketTestServer, type SocketTestServer } from "../test/socket-test-server";
import { createTestDeps } from "../test/test-context";

let deps: ReturnType<typeof createTestDeps>;
let server: SocketTestServer;
let socket: Socket;

beforeAll(async () => {
  deps = createTestDeps();
  server = await startSocketTestServer(deps);
  const hostId = seedDeploymentGroup(deps, { hosts: 1, online: false }).hostIds[0];
  const { credential, credentialHash } = generateHostCredential(hostId);
  deps.db.update(hosts).set({ credentialHash }).where(eq(hosts.id, hostId)).run();
  socket = connect(`${server.url}${AGENT_NAMESPACE}`, {
    auth: { credential, protocolVersion: AGENT_PROTOCOL_VERSION },
    transports: ["websocket"],
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  deps.cleanup();
});

const events = [
  { event: "agent:hello", schema: agentHelloSchema, valid: validAgentPayloads.hello },
  { event: "event:finished", schema: eventFinishedSchema, valid: validAgentPayloads.finished },
  { event: "log:appended", schema: logAppendedSchema, valid: validAgentPayloads.logs },
] as const;

describe("fuzzing the agent namespace's parse path over a real Socket.IO connection", () => {
  it.each(events)("$event: every payload gets an answer, a refused one says why, and the connection stays up", async ({ event, schema, valid }) => {
    await fuzzAsync(`agent socket: ${event}`, 100, socketPayload(valid), async (payload) => {
      const reply = (await socket.timeout(5_000).emitWithAck(event, payload)) as { ok?: boolean; error?: string };
      expect(reply).toBeTypeOf("object");
      if (!schema.safeParse(JSON.parse(JSON.stringify(payload ?? null))).success) {
        expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(new RegExp(`^Invalid ${event}: `)) });
      }
      expect(socket.connected).toBe(true);
    });
  });

  it("still answers a valid hello after the fuzzing", async () => {
    expect(await socket.timeout(5_000).emitWithAck("agent:hello", { ...validAgentPayloads.hello, commands: [] })).toMatchObject({ ok: true });
  });
});

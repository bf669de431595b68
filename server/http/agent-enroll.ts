import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { eq } from "drizzle-orm";
import { recordAudit } from "../storage/audit-rows";
import { consumeEnrollmentToken } from "../auth/enrollment-tokens";
import { generateHostCredential } from "../auth/host-credentials";
import { enrollRequestSchema, type EnrollResponse } from "../contracts/agent-protocol";
import type { Deps } from "../deps";
import { decideEnrollment } from "../engine/enrollment-policy";
import { hosts } from "../storage/schema";
import { clientAddress } from "./client-address";
import { BodyTooLargeError, closeAfterAnswer, readRequestBody } from "./request-body";

/** An enrollment request is a token, a name, tags and facts: a few KB at most. */
const MAX_BODY_BYTES = 64 * 1024;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (!req.readableEnded) closeAfterAnswer(req, res);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/** POST /api/agent/enroll: exchanges an enrollment token for a host credential. */
export async function handleAgentEnroll(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method !== "POST") throw new HttpFailure(405, "Use POST");
    let json: unknown;
    try {
      json = JSON.parse((await readRequestBody(req, MAX_BODY_BYTES)).toString("utf8"));
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new HttpFailure(413, err.message);
      throw new HttpFailure(400, "The request body is not JSON");
    }
    const parsed = enrollRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join(".");
      throw new HttpFailure(400, `${field || "body"}: ${issue.message}`, field);
    }
    const input = parsed.data;
    const now = deps.now();
    const enrolled = deps.db.transaction((tx) => {
      const token = consumeEnrollmentToken(deps.db, input.token, now);
      if (!token) throw new HttpFailure(401, "The enrollment token is unknown, revoked, expired or used up");
      const existing = tx.select({ id: hosts.id, deregisteredAt: hosts.deregisteredAt }).from(hosts).where(eq(hosts.name, input.name)).get();
      if (existing && existing.deregisteredAt === null) throw new HttpFailure(409, `host name ${input.name} is taken; deregister it first`, "name");
      // Deregistering frees the name (as in CodeDeploy): the old row keeps its history under a suffixed name.
      if (existing)
        tx.update(hosts)
          .set({ name: `${input.name}.deregistered-${existing.deregisteredAt}` })
          .where(eq(hosts.id, existing.id))
          .run();
      const decision = decideEnrollment(token, input.tags, deps.env.LANDLINE_REQUIRE_HOST_APPROVAL === "true");
      // Refusing rolls the transaction back, so the token's use is not spent on a refused host.
      if (!decision.accepted) throw new HttpFailure(403, decision.reason, "tags");
      const hostId = randomUUID();
      const { credential, credentialHash } = generateHostCredential(hostId);
      const { tags, approval } = decision;
      tx.insert(hosts)
        .values({ id: hostId, name: input.name, tags, credentialHash, facts: input.facts, enrolledAt: now, enrollmentTokenId: token.tokenId, approval })
        .run();
      recordAudit(
        tx,
        { principal: null, ip: clientAddress(deps.env, req), actor: "system" },
        {
          action: "hosts.enroll",
          resourceType: "host",
          resourceId: hostId,
          details: { name: input.name, tokenId: token.tokenId, tags, requestedTags: input.tags, approval },
        },
        now,
      );
      return { hostId, credential, approval };
    });
    const body: EnrollResponse = { hostId: enrolled.hostId, hostName: input.name, credential: enrolled.credential, approval: enrolled.approval };
    send(req, res, 200, body);
  } catch (err) {
    if (!(err instanceof HttpFailure)) throw err;
    send(req, res, err.status, err.field ? { error: err.message, field: err.field } : { error: err.message });
  }
}

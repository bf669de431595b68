import http from "node:http";
import https from "node:https";
import { ENROLL_PATH, enrollResponseSchema, type EnrollRequest, type EnrollResponse } from "../server/contracts/agent-protocol";
import { proxyAgentFor } from "./proxy";

/** The server answered but refused (bad or used token, invalid name): retrying will not help. */
export class EnrollmentRefusedError extends Error {}

function postJson(url: URL, body: unknown): Promise<{ status: number; text: string }> {
  const client = url.protocol === "https:" ? https : http;
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        agent: proxyAgentFor(url.toString()),
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("the server did not answer within 30 s")));
    request.on("error", reject);
    request.end(payload);
  });
}

function describeRefusal(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    const detail = body.error ?? body.message;
    if (typeof detail === "string") return `${status}: ${detail}`;
  } catch {
    // not JSON
  }
  return `${status}${text ? `: ${text.slice(0, 200)}` : ""}`;
}

/** Exchanges an enrollment token for a host credential (POST ENROLL_PATH). */
export async function enrollHost(serverUrl: string, request: EnrollRequest): Promise<EnrollResponse> {
  const { status, text } = await postJson(new URL(ENROLL_PATH, serverUrl), request);
  if (status >= 400 && status < 500) {
    const hint =
      status === 401
        ? "; ask for a new enrollment token"
        : status === 409
          ? "; choose another --name or deregister the old host"
          : status === 403
            ? "; leave out --tags (LANDLINE_AGENT_TAGS) or ask for a token that allows them"
            : "";
    throw new EnrollmentRefusedError(`the server refused the enrollment (${describeRefusal(status, text)})${hint}`);
  }
  if (status !== 200 && status !== 201) throw new Error(`enrollment failed with HTTP ${describeRefusal(status, text)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("the enrollment answer is not JSON");
  }
  const parsed = enrollResponseSchema.safeParse(json);
  if (!parsed.success) throw new Error("the enrollment answer does not match the protocol");
  return parsed.data;
}

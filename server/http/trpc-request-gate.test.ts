import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, TEST_ADMIN, type SpawnedServer } from "../test/spawn-server";
import { waitFor } from "../test/wait-for";

type Reply = { status: number; body: string; closed: boolean };

/**
 * Sends one request over a fresh keep-alive connection, as browsers and fetch do. `bodyChunks` are written one by
 * one, `gapMs` apart, until the server answers; a server that answers early is not sent the rest. `closed` says
 * whether the server then ended the connection.
 */
function send(
  server: SpawnedServer,
  path: string,
  options: { method?: string; headers?: Record<string, string>; bodyChunks?: Buffer[]; gapMs?: number },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const req = http.request(`${server.url}${path}`, { method: options.method ?? "POST", headers: options.headers, agent });
    let answered = false;
    let socketClosed = false;
    req.on("socket", (socket) => socket.once("close", () => (socketClosed = true)));
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", async () => {
        const closed = await waitFor(() => socketClosed, { timeoutMs: 5_000, what: "the server to close the connection" }).then(
          () => true,
          () => false,
        );
        agent.destroy();
        resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), closed });
      });
    });
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const chunks = options.bodyChunks ?? [];
    const writeNext = (i: number) => {
      if (answered || req.destroyed) return;
      if (i >= chunks.length) return void req.end();
      req.write(chunks[i], () => setTimeout(() => writeNext(i + 1), options.gapMs ?? 0));
    };
    writeNext(0);
  });
}

const json = (value: unknown) => [Buffer.from(JSON.stringify(value))];

async function signIn(server: SpawnedServer): Promise<string> {
  const reply = await fetch(`${server.url}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify(TEST_ADMIN),
  });
  expect(reply.status).toBe(200);
  return (reply.headers.get("set-cookie") ?? "").split(";")[0];
}

async function enrollmentTokenCount(server: SpawnedServer, cookie: string): Promise<number> {
  const reply = await fetch(`${server.url}/api/trpc/enrollmentTokens.list`, { headers: { cookie } });
  const body = (await reply.json()) as { result: { data: unknown[] } };
  return body.result.data.length;
}

/** Resolves when the server closes a connection that sent `prefix` and then only one byte a second. */
function secondsUntilClosed(server: SpawnedServer, prefix: string, limitSeconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(server.port, "127.0.0.1");
    const trickle = setInterval(() => socket.write("a"), 1000);
    const giveUp = setTimeout(() => {
      clearInterval(trickle);
      socket.destroy();
      reject(new Error(`the connection was still open after ${limitSeconds} s`));
    }, limitSeconds * 1000);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(trickle);
      clearTimeout(giveUp);
      resolve((Date.now() - started) / 1000);
    });
    socket.write(prefix);
  });
}

let server: SpawnedServer;
beforeAll(async () => {
  server = await spawnServer({ env: { LANDLINE_HEADERS_TIMEOUT_SECONDS: "2", LANDLINE_BODY_TIMEOUT_SECONDS: "2" } });
});
afterAll(() => server.kill());

describe("request bodies are capped (real server)", () => {
  it("refuses a 200 MB body by its Content-Length before reading it", async () => {
    const started = Date.now();
    const reply = await send(server, "/api/trpc/auth.signIn", {
      headers: { "content-type": "application/json", "content-length": String(200 * 1024 * 1024) },
      bodyChunks: [Buffer.from('{"email":"')],
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.message).toMatch(/larger than 1048576 bytes/);
    expect(reply.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops reading a chunked body as soon as it passes 1 MiB", async () => {
    const chunk = Buffer.alloc(256 * 1024, "a");
    const reply = await send(server, "/api/trpc/auth.signIn", {
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      bodyChunks: Array.from({ length: 40 }, () => chunk),
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.message).toMatch(/larger than 1048576 bytes/);
    expect(reply.closed).toBe(true);
  });

  it("caps the enrollment endpoint's body the same way", async () => {
    const reply = await send(server, "/api/agent/enroll", {
      headers: { "content-type": "application/json", "content-length": String(50 * 1024 * 1024) },
      bodyChunks: [Buffer.from("{")],
    });
    expect(reply.status).toBe(413);
  });
});

describe("slow clients are cut off (real server)", () => {
  it("closes a connection whose headers trickle in", async () => {
    expect(await secondsUntilClosed(server, "POST /api/trpc/auth.signIn HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 15)).toBeLessThan(10);
  });

  it("closes a connection whose body trickles in", async () => {
    const headers = "POST /api/trpc/auth.signIn HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    expect(await secondsUntilClosed(server, headers, 15)).toBeLessThan(10);
  });

  it("gives an authenticated upload longer than the body deadline", async () => {
    const cookie = await signIn(server);
    const app = await send(server, "/api/trpc/applications.create", {
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      bodyChunks: json({ applicationName: "slow" }),
    });
    expect(app.status).toBe(200);
    const started = Date.now();
    const reply = await send(server, "/api/revisions?application=slow", {
      headers: { cookie, origin: server.url, "content-type": "application/zip", "content-length": "8" },
      bodyChunks: [Buffer.from("PK"), Buffer.from("\x03\x04"), Buffer.from("ab"), Buffer.from("cd")],
      gapMs: 1200,
    });
    expect(Date.now() - started).toBeGreaterThan(3_000);
    expect(reply.status).toBe(400);
    expect(reply.body).not.toMatch(/did not arrive/);
  });
});

describe("cookie-authenticated changes must come from Landline's own pages (real server)", () => {
  it.each<[string, Record<string, string>, number]>([
    ["a multipart form from another site is refused", { "content-type": "multipart/form-data; boundary=x", origin: "https://evil.example" }, 403],
    ["JSON from another site is refused", { "content-type": "application/json", origin: "https://evil.example" }, 403],
    ["JSON with neither Origin nor Sec-Fetch-Site is refused", { "content-type": "application/json" }, 403],
    ["JSON marked Sec-Fetch-Site: cross-site is refused", { "content-type": "application/json", "sec-fetch-site": "cross-site" }, 403],
    ["a form from Landline's own origin is refused as not JSON", { "content-type": "application/x-www-form-urlencoded", origin: "ORIGIN" }, 415],
    ["JSON from Landline's own origin is accepted", { "content-type": "application/json", origin: "ORIGIN" }, 200],
    ["JSON marked Sec-Fetch-Site: same-origin is accepted", { "content-type": "application/json", "sec-fetch-site": "same-origin" }, 200],
    ["JSON from an opaque origin (a sandboxed frame) is refused", { "content-type": "application/json", origin: "null", "sec-fetch-site": "cross-site" }, 403],
    ["JSON from an opaque origin marked same-origin is accepted", { "content-type": "application/json", origin: "null", "sec-fetch-site": "same-origin" }, 200],
  ])("%s", async (_name, headers, status) => {
    const cookie = await signIn(server);
    const before = await enrollmentTokenCount(server, cookie);
    const withOrigin = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === "ORIGIN" ? server.url : v]));
    const reply = await send(server, "/api/trpc/enrollmentTokens.create", {
      headers: { cookie, ...withOrigin },
      bodyChunks: json({ maxUses: 1, expiresHours: 1, tags: [] }),
    });
    expect(reply.status).toBe(status);
    expect(await enrollmentTokenCount(server, cookie)).toBe(before + (status === 200 ? 1 : 0));
  });

  it("does not let another site sign the user out", async () => {
    const cookie = await signIn(server);
    const reply = await send(server, "/api/trpc/auth.signOut", {
      headers: { cookie, "content-type": "multipart/form-data; boundary=x", origin: "https://evil.example" },
      bodyChunks: [Buffer.from("--x--\r\n")],
    });
    expect(reply.status).toBe(403);
    const status = await fetch(`${server.url}/api/trpc/auth.status`, { headers: { cookie } });
    expect(((await status.json()) as { result: { data: { user: { email: string } | null } } }).result.data.user?.email).toBe(TEST_ADMIN.email);
  });

  it("refuses a session upload without an Origin", async () => {
    const cookie = await signIn(server);
    const reply = await send(server, "/api/revisions?application=nope", {
      headers: { cookie, "content-type": "application/zip" },
      bodyChunks: [Buffer.from("PK\x03\x04")],
    });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).error).toMatch(/cross-site/);
  });

  it("leaves API-token requests alone, whatever their Origin", async () => {
    const cookie = await signIn(server);
    const created = await send(server, "/api/trpc/apiTokens.create", {
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      bodyChunks: json({ name: "script" }),
    });
    const token = (JSON.parse(created.body) as { result: { data: { token: string } } }).result.data.token;
    const reply = await send(server, "/api/trpc/enrollmentTokens.create", {
      headers: { authorization: `Bearer ${token}`, origin: "https://elsewhere.example", "content-type": "application/json" },
      bodyChunks: json({ maxUses: 1, expiresHours: 1, tags: [] }),
    });
    expect(reply.status).toBe(200);
  });
});

describe("after every hostile request", () => {
  it("a normal sign-in still works", async () => {
    expect(await signIn(server)).toMatch(/^landline_session=lls_/);
  });
});

/**
 * Upload memory benchmark: starts the real server, streams a generated bundle (default 500 MB tar with a
 * valid appspec) to POST /api/revisions and samples the server's RSS every 100 ms.
 *
 *   node --import tsx bench/upload-memory.ts [--mb 500] [--type tar|zip]
 *
 * Prints baseline, peak and growth of the server RSS in MB, and the upload throughput.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { Header } from "tar";
import yazl from "yazl";
import { REPO_ROOT, spawnServer, TEST_ADMIN } from "../server/test/spawn-server";

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const APPSPEC = `version: 0.0
os: linux
files:
  - source: app
    destination: /tmp/landline-bench
hooks:
  ApplicationStart:
    - location: scripts/start.sh
`;
const START_SCRIPT = "#!/bin/sh\necho started\n";

/** Deterministic pseudo-random bytes (xorshift32), generated one chunk at a time. */
function* pseudoRandomChunks(total: number): Generator<Buffer> {
  let state = 0x9e3779b9;
  for (let left = total; left > 0; left -= CHUNK) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, left));
    for (let i = 0; i + 4 <= chunk.length; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeUInt32LE(state >>> 0, i);
    }
    yield chunk;
  }
}

function tarHeader(path: string, size: number, mode: number): Buffer {
  const block = Buffer.alloc(512);
  new Header({ path, size, mode, uid: 0, gid: 0, mtime: new Date(0), type: "File" }).encode(block, 0);
  return block;
}

const padding = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

/** A tar stream: appspec, start script and one big pseudo-random file; returns its exact length too. */
function tarBundle(dataBytes: number): { stream: Readable; length: number } {
  const small = [
    ["appspec.yml", Buffer.from(APPSPEC), 0o644],
    ["scripts/start.sh", Buffer.from(START_SCRIPT), 0o755],
  ] as const;
  function* blocks(): Generator<Buffer> {
    for (const [name, body, mode] of small) yield* [tarHeader(name, body.length, mode), body, padding(body.length)];
    yield tarHeader("app/blob.bin", dataBytes, 0o644);
    yield* pseudoRandomChunks(dataBytes);
    yield padding(dataBytes);
    yield Buffer.alloc(1024);
  }
  const length = small.reduce((n, [, body]) => n + 512 + body.length + padding(body.length).length, 0) + 512 + dataBytes + padding(dataBytes).length + 1024;
  return { stream: Readable.from(blocks(), { objectMode: false }), length };
}

/** A zip whose big entry is stored (not deflated), streamed by yazl; length unknown, so the body is chunked. */
function zipBundle(dataBytes: number): { stream: Readable; length: null } {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(APPSPEC), "appspec.yml");
  zip.addBuffer(Buffer.from(START_SCRIPT), "scripts/start.sh", { mode: 0o100755 });
  zip.addReadStream(Readable.from(pseudoRandomChunks(dataBytes)), "app/blob.bin", { compress: false, size: dataBytes });
  zip.end();
  return { stream: zip.outputStream as Readable, length: null };
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function createToken(dataDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "server/admin-cli.ts", "create-token", "--email", TEST_ADMIN.email, "--name", "upload-bench"],
    { cwd: REPO_ROOT, env: { ...process.env, LANDLINE_DATA_DIR: dataDir } },
  );
  const token = stdout.split("\n").find((line) => line.startsWith("llt_"));
  if (!token) throw new Error(`create-token printed no token:\n${stdout}`);
  return token.trim();
}

function postBundle(url: string, token: string, type: string, body: { stream: Readable; length: number | null }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      "content-type": type === "zip" ? "application/zip" : "application/x-tar",
    };
    if (body.length !== null) headers["content-length"] = String(body.length);
    const req = http.request(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    body.stream.on("error", reject).pipe(req);
  });
}

async function main(): Promise<void> {
  const dataMb = Number(option("mb", "500"));
  const type = option("type", "tar");
  if (type !== "tar" && type !== "zip") throw new Error("--type must be tar or zip");
  const server = await spawnServer();
  const pid = server.process.pid!;
  try {
    const token = await createToken(server.dataDir);
    const created = await fetch(`${server.url}/api/trpc/applications.create`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ applicationName: "upload-bench" }),
    });
    if (!created.ok) throw new Error(`applications.create answered ${created.status}: ${await created.text()}`);

    const baselineSamples: number[] = [];
    for (let i = 0; i < 10; i++) {
      baselineSamples.push(rssMb(pid));
      await new Promise((r) => setTimeout(r, 100));
    }
    const baseline = Math.max(...baselineSamples);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);

    const body = type === "zip" ? zipBundle(dataMb * MB) : tarBundle(dataMb * MB);
    const started = performance.now();
    const reply = await postBundle(`${server.url}/api/revisions?application=upload-bench`, token, type, body);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(pid));

    if (reply.status !== 201) throw new Error(`upload answered ${reply.status}: ${reply.text}`);
    const result = JSON.parse(reply.text) as { size: number; sha256: string };
    const sizeMb = result.size / MB;
    console.log(`bundle: ${type}, ${sizeMb.toFixed(1)} MB, sha256 ${result.sha256.slice(0, 16)}…`);
    console.log(`server RSS baseline ${baseline.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, growth ${(peak - baseline).toFixed(1)} MB`);
    console.log(`upload + inspection + store: ${seconds.toFixed(2)} s, ${(sizeMb / seconds).toFixed(1)} MB/s`);
  } finally {
    await server.kill();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

await main();

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendFileRange } from "./send-file-range";

let dir: string;
let file: string;
let content: Buffer;
let server: http.Server;
let baseUrl: string;
/** What each request's sendFileRange call ended with. */
const outcomes: Promise<string>[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-send-"));
  file = path.join(dir, "bundle.bin");
  // Many 256 KB chunks and a partial one; more than loopback socket buffers hold, so an abort lands mid-file.
  content = randomBytes(16_000_000 + 12_345);
  fs.writeFileSync(file, content);
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const start = Number(url.searchParams.get("start"));
    const end = Number(url.searchParams.get("end"));
    res.writeHead(200, { "content-length": end - start + 1 });
    outcomes.push(
      sendFileRange(file, start, end, res).then(
        () => "sent",
        (error: Error) => {
          res.destroy();
          return `failed: ${error.message}`;
        },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const fetchRange = async (start: number, end: number) => Buffer.from(await (await fetch(`${baseUrl}/?start=${start}&end=${end}`)).arrayBuffer());

describe("sendFileRange", () => {
  it("sends the whole file byte for byte through its reused buffers", async () => {
    expect((await fetchRange(0, content.length - 1)).equals(content)).toBe(true);
    expect(await outcomes.at(-1)).toBe("sent");
  });

  it("sends a range that starts and ends inside chunks", async () => {
    expect((await fetchRange(262_143, 786_433)).equals(content.subarray(262_143, 786_434))).toBe(true);
    expect((await fetchRange(content.length - 1, content.length - 1)).equals(content.subarray(content.length - 1))).toBe(true);
    expect(await outcomes.at(-1)).toBe("sent");
  });

  it("stops, without hanging, when the client goes away mid-file", async () => {
    const before = outcomes.length;
    await new Promise<void>((resolve) => {
      const req = http.get(`${baseUrl}/?start=0&end=${content.length - 1}`, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
    });
    await expect.poll(() => outcomes.length).toBe(before + 1);
    expect(await outcomes[before]).toMatch(/^failed: /);
  });

  it("fails, so the response is cut short, when the file is shorter than promised", async () => {
    await expect(fetchRange(0, content.length + 1000)).rejects.toThrow();
    expect(await outcomes.at(-1)).toBe(`failed: ${file} ended at byte ${content.length}, before byte ${content.length + 1000}`);
  });
});

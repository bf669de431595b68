import http from "node:http";
import os from "node:os";
import { ENROLL_PATH, enrollResponseSchema, type HostFacts } from "../server/contracts/agent-protocol";
import type { SimCredential, SimHost } from "./sim-messages";

/** Facts a simulated host reports: this machine's, under the host's own name and a root it never touches. */
export function simHostFacts(name: string): HostFacts {
  return {
    hostname: name,
    platform: "linux",
    osRelease: os.release().slice(0, 128),
    arch: os.arch(),
    agentVersion: "bench-sim",
    nodeVersion: process.version,
    freeDiskBytes: 100 * 1024 ** 3,
    rootDir: `/var/lib/landline-sim/${name}`,
  };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** POST /api/agent/enroll for one simulated host, as the agent does. */
export function enrollSimHost(serverUrl: string, token: string, host: SimHost): Promise<SimCredential> {
  const body = JSON.stringify({ token, name: host.name, tags: host.tags, facts: simHostFacts(host.name) });
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(ENROLL_PATH, serverUrl),
      { method: "POST", agent: keepAlive, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200 && res.statusCode !== 201) return reject(new Error(`enroll ${host.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          const parsed = enrollResponseSchema.safeParse(JSON.parse(text));
          if (!parsed.success) return reject(new Error("the enrollment answer does not match the protocol"));
          resolve({ hostId: parsed.data.hostId, credential: parsed.data.credential });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

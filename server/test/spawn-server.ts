import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type SpawnedServer = {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output: () => string;
  /** Sends a signal and waits for the process to exit. */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts the server again on the same port and data directory. */
  restart: () => Promise<SpawnedServer>;
};

export type SpawnServerOptions = {
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  /** Serve the Next.js UI too (needs `npm run build` for production mode). Default false. */
  ui?: boolean;
  adminEmail?: string;
  adminPassword?: string;
};

export const TEST_ADMIN = { email: "admin@example.com", password: "correct-horse-battery" };

/** Starts the real server (`node --import tsx server/main.ts`) as a child process and waits until it listens. */
export async function spawnServer(options: SpawnServerOptions = {}): Promise<SpawnedServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "landline-server-"));
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: options.ui ? "production" : "test",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      PORT: String(options.port ?? 0),
      LANDLINE_DATA_DIR: dataDir,
      LANDLINE_SERVE_UI: options.ui ? "true" : "false",
      LANDLINE_ADMIN_EMAIL: options.adminEmail ?? TEST_ADMIN.email,
      LANDLINE_ADMIN_PASSWORD: options.adminPassword ?? TEST_ADMIN.password,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const m = /ready on http:\/\/localhost:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  const server: SpawnedServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    process: child,
    output: () => output,
    kill: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
    restart: () => spawnServer({ ...options, dataDir, port }),
  };
  return server;
}

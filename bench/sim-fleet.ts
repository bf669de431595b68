import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LOAD_CORE, pinProcess, raiseOpenFileLimit, readCpuSeconds } from "./process-stats";
import type { DownloadResult, SimCredential, SimHost, SimMode, SimReply, SimRequest, SimStats } from "./sim-messages";
import { waitFor } from "../server/test/wait-for";

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "sim-agents.ts");

export type SimFleetOptions = {
  serverUrl: string;
  enrollToken: string;
  hosts: SimHost[];
  /** Worker processes; hosts are dealt round-robin. */
  workers: number;
  /** JSON file caching host credentials between runs (hosts keep their names, so they cannot enroll twice). */
  credentialsFile: string;
  mode?: SimMode;
};

type Worker = { child: ChildProcess; pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }> };

/** Simulated agents spread over a few worker processes pinned to the load-generator core. */
export type SimFleet = Awaited<ReturnType<typeof startSimFleet>>;

/** Forks the workers, enrolls (or reuses cached credentials for) every host; connects none yet. */
export async function startSimFleet(options: SimFleetOptions) {
  let nextId = 1;
  const workers: Worker[] = [];
  for (let w = 0; w < options.workers; w++) {
    const child = fork(WORKER, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    pinProcess(child.pid!, LOAD_CORE);
    raiseOpenFileLimit(child.pid!);
    const worker: Worker = { child, pending: new Map() };
    child.on("message", (reply: SimReply) => {
      const waiter = worker.pending.get(reply.id);
      if (!waiter) return;
      worker.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(reply.error));
    });
    child.on("exit", (code) => {
      for (const waiter of worker.pending.values()) waiter.reject(new Error(`sim-agents worker exited with ${code}`));
      worker.pending.clear();
    });
    workers.push(worker);
  }

  const ask = <T>(worker: Worker, request: SimRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      worker.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.child.send({ id, request });
    });
  const askAll = <T>(request: (worker: Worker, index: number) => SimRequest) => Promise.all(workers.map((w, i) => ask<T>(w, request(w, i))));

  const fleet = {
    size: options.hosts.length,

    /** CPU seconds the worker processes have used so far (the load generator's cost). */
    cpuSeconds: (): number => workers.reduce((sum, w) => sum + (readCpuSeconds(w.child.pid!) ?? 0), 0),

    /** Connects the first `count` hosts of the fleet (spread evenly over the workers); resolves with the ms until all said hello. */
    async connect(count: number, concurrencyPerWorker = 100): Promise<number> {
      const started = performance.now();
      await askAll((_, i) => ({ type: "connect", count: Math.ceil((count - i) / workers.length), concurrency: concurrencyPerWorker }));
      const elapsed = performance.now() - started;
      const stats = await fleet.stats();
      if (stats.ready < count)
        throw new Error(`only ${stats.ready} of ${count} simulated agents connected (${stats.errorSamples.join("; ") || "no error reported"})`);
      return elapsed;
    },

    async stats(readySince?: number): Promise<SimStats> {
      const all = await askAll<SimStats>(() => ({ type: "stats", readySince }));
      const sum = (key: keyof SimStats) => all.reduce((s, x) => s + (x[key] as number), 0);
      const times = (key: "streamStartedAt" | "streamLastAckAt") => all.map((x) => x[key]).filter((t): t is number => t !== null);
      return {
        hosts: sum("hosts"),
        enrolled: sum("enrolled"),
        ready: sum("ready"),
        readySince: sum("readySince"),
        commandsReceived: sum("commandsReceived"),
        resultsAcked: sum("resultsAcked"),
        streamWaiting: sum("streamWaiting"),
        streamsDone: sum("streamsDone"),
        linesSent: sum("linesSent"),
        linesAcked: sum("linesAcked"),
        streamStartedAt: times("streamStartedAt").length ? Math.min(...times("streamStartedAt")) : null,
        streamLastAckAt: times("streamLastAckAt").length ? Math.max(...times("streamLastAckAt")) : null,
        errors: sum("errors"),
        errorSamples: [...new Set(all.flatMap((x) => x.errorSamples))].slice(0, 5),
      };
    },

    /** Polls until `predicate` holds; returns the elapsed ms, or throws after `timeoutMs`. */
    async waitFor(predicate: (stats: SimStats) => boolean, timeoutMs: number, readySince?: number, intervalMs = 100): Promise<number> {
      const started = performance.now();
      await waitFor(
        async () => {
          const stats = await fleet.stats(readySince);
          if (!predicate(stats)) throw new Error(`ready ${stats.ready}/${stats.hosts}, errors: ${stats.errorSamples.join("; ") || "none"}`);
          return true;
        },
        { timeoutMs, what: "the simulated agents' condition", intervalMs },
      );
      return performance.now() - started;
    },

    async setMode(mode: SimMode): Promise<void> {
      await askAll(() => ({ type: "mode", mode }));
    },

    /** Starts streaming in every host holding the stream event; resolves when all streams ended. */
    async stream(durationMs: number, batchLines: number, lineBytes: number): Promise<void> {
      await askAll(() => ({ type: "stream", durationMs, batchLines, lineBytes }));
    },

    /** Every connected host downloads `url` at the same moment; returns the wall time and the totals. */
    async download(url: string, withCredential: boolean): Promise<DownloadResult & { wallMs: number }> {
      const started = performance.now();
      const all = await askAll<DownloadResult>(() => ({ type: "download", url, withCredential }));
      return {
        wallMs: performance.now() - started,
        downloads: all.reduce((s, r) => s + r.downloads, 0),
        bytes: all.reduce((s, r) => s + r.bytes, 0),
        failures: all.reduce((s, r) => s + r.failures, 0),
        startedAt: Math.min(...all.map((r) => r.startedAt)),
        finishedAt: Math.max(...all.map((r) => r.finishedAt)),
      };
    },

    async stop(): Promise<void> {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
              const timer = setTimeout(() => w.child.kill("SIGKILL"), 5000);
              w.child.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              ask(w, { type: "stop" }).catch(() => {});
            }),
        ),
      );
    },
  };

  const cache = readCredentials(options.credentialsFile);
  try {
    const replies = await askAll<{ enrolled: Record<string, SimCredential>; error: string | null }>((w, i) => {
      const hosts = options.hosts.filter((_, h) => h % workers.length === i);
      const credentials = Object.fromEntries(hosts.filter((h) => cache[h.name]).map((h) => [h.name, cache[h.name]]));
      return { type: "start", serverUrl: options.serverUrl, enrollToken: options.enrollToken, hosts, credentials, mode: options.mode ?? { kind: "instant" } };
    });
    const enrolled = replies.flatMap((r) => Object.entries(r.enrolled));
    if (enrolled.length > 0) {
      fs.writeFileSync(options.credentialsFile, JSON.stringify({ ...cache, ...Object.fromEntries(enrolled) }), { mode: 0o600 });
    }
    const failure = replies.find((r) => r.error);
    if (failure) throw new Error(failure.error!);
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

/** Host names like fanout-0042 with the given tags (a function of the index). */
export function simHosts(prefix: string, count: number, tagsFor: (index: number) => SimHost["tags"]): SimHost[] {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}-${String(i).padStart(width, "0")}`, tags: tagsFor(i) }));
}

function readCredentials(file: string): Record<string, SimCredential> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, SimCredential>;
  } catch {
    return {};
  }
}

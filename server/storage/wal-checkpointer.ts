import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Db } from "./database";

/** The main connection still checkpoints by itself past this many WAL pages (about 64 MB), should the worker fall behind. */
export const BACKSTOP_CHECKPOINT_PAGES = 16_000;

/** Free pages returned to the disk per write transaction: 4 MB of 4 KB pages, a few milliseconds of lock each. */
export const VACUUM_STEP_PAGES = 1024;

// CommonJS, evaluated in the worker: its own connection; every interval, free pages returned in a few short
// steps (deleting an application or old deployments frees them) and a PASSIVE checkpoint (never waits for
// readers or writers), which is when the file shrinks; and a clean close on "stop".
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const vacuumStep = db.prepare("PRAGMA incremental_vacuum(" + workerData.vacuumStepPages + ")");
const timer = setInterval(() => {
  try {
    const until = Date.now() + workerData.intervalMs / 5;
    while (db.pragma("freelist_count", { simple: true }) > 0 && Date.now() < until) vacuumStep.run();
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export type WalCheckpointer = { stop: () => Promise<void> };

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies pages into the database file and
 * fsyncs it; on the main connection that stalls every socket and request for as long as the disk takes,
 * which under heavy log ingest was the slowest thing the server did. The worker thread checkpoints on its
 * own connection instead; the main connection only does so past BACKSTOP_CHECKPOINT_PAGES. The same
 * thread returns free pages to the disk (incremental vacuum), a few short steps per interval.
 */
export function startWalCheckpointer(db: Db, file: string, options: { intervalMs?: number; onError?: (message: string) => void } = {}): WalCheckpointer {
  db.$client.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: options.intervalMs ?? 250, vacuumStepPages: VACUUM_STEP_PAGES },
  });
  const onError = options.onError ?? ((message: string) => console.error(`WAL checkpoint failed: ${message}`));
  worker.on("message", (m: { error?: string }) => m.error && onError(m.error));
  worker.on("error", (err) => onError(err.message));
  // The worker never keeps the process alive on its own.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    async stop() {
      worker.postMessage("stop");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}

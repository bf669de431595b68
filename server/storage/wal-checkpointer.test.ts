import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./database";
import { BACKSTOP_CHECKPOINT_PAGES, startWalCheckpointer } from "./wal-checkpointer";
import { waitFor } from "../test/wait-for";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes about 6 MB in 60 transactions (under the backstop, so the main connection never checkpoints). */
function openAndWrite(withCheckpointer: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-wal-"));
  dirs.push(dir);
  const file = path.join(dir, "landline.db");
  const db = openDatabase(file);
  const checkpointer = withCheckpointer ? startWalCheckpointer(db, file, { intervalMs: 20 }) : null;
  if (!checkpointer) db.$client.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  db.$client.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const insert = db.$client.prepare("INSERT INTO filler (body) VALUES (?)");
  const body = "x".repeat(1000);
  const before = fs.statSync(file).size;
  for (let t = 0; t < 60; t++)
    db.$client.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(body);
    })();
  return { db, file, before, checkpointer };
}

describe("WAL checkpoints on a worker thread", () => {
  it("copies committed pages into the database file without the main connection checkpointing", async () => {
    const { db, file, before, checkpointer } = openAndWrite(true);
    await waitFor(() => fs.statSync(file).size > before + 5_000_000, { timeoutMs: 10_000, what: "the checkpointed pages in the database file" });
    await checkpointer!.stop();
    expect((db.$client.prepare("SELECT count(*) AS n FROM filler").get() as { n: number }).n).toBe(6000);
    db.$client.close();
  });

  it("without it the same writes stay in the WAL (the main connection waits for the backstop)", async () => {
    const { db, file, before } = openAndWrite(false);
    // That the file does not grow is the behaviour under test: give a checkpoint that should not run time to (wrongly) run.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fs.statSync(file).size).toBeLessThan(before + 1_000_000);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(5_000_000);
    db.$client.close();
  });
});

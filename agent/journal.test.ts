import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandSpec } from "../server/contracts/agent-protocol";
import { Journal } from "./journal";
import { splitLongLine } from "./log-journal";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-journal-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const spec = (commandId: string): CommandSpec => ({
  commandId,
  lifecycleEvent: "ApplicationStart",
  deploymentId: "d-ABCDEFGHI",
  applicationName: "shop",
  deploymentGroupName: "prod",
  deploymentGroupId: "g-1",
  revision: { revisionId: "r-1", sha256: "c".repeat(64), bundleType: "tgz", size: 10 },
  fileExistsBehavior: "DISALLOW",
  defaultHookTimeoutSeconds: 3600,
});

const newestSegment = () => {
  const logs = path.join(dir, "logs");
  return path.join(logs, fs.readdirSync(logs).sort().at(-1)!);
};

describe("Journal log lines", () => {
  it("continues the seq after a restart", () => {
    const first = Journal.open(dir);
    first.appendLine("c-1", "stdout", "one");
    first.appendLine("c-1", "stdout", "two");
    first.close();
    const second = Journal.open(dir);
    expect(second.lastSeq).toBe(2);
    expect(second.appendLine("c-1", "stderr", "three")[0].seq).toBe(3);
    expect(second.readAfter(0, 10).map((l) => [l.seq, l.text])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    second.close();
  });

  it("ignores a torn last line and reuses neither its seq nor its bytes", () => {
    const first = Journal.open(dir);
    first.appendLine("c-1", "stdout", "complete");
    first.close();
    fs.appendFileSync(newestSegment(), '{"seq":2,"commandId":"c-1","at":1,"stream":"stdout","te');
    const second = Journal.open(dir);
    expect(second.lastSeq).toBe(1);
    second.appendLine("c-1", "stdout", "after restart");
    expect(second.readAfter(0, 10).map((l) => [l.seq, l.text])).toEqual([
      [1, "complete"],
      [2, "after restart"],
    ]);
    expect(fs.readFileSync(newestSegment(), "utf8").split("\n").filter(Boolean)).toHaveLength(2);
    second.close();
  });

  it("never reuses a seq once every segment was acknowledged and deleted", () => {
    const first = Journal.open(dir, { maxSegmentBytes: 200 });
    for (let i = 1; i <= 20; i++) first.appendLine("c-1", "stdout", `line ${i}`);
    first.acknowledgeLogs(20);
    first.close();
    // Simulate losing the newest segment too (e.g. removed by hand): seq.json still remembers.
    fs.rmSync(path.join(dir, "logs"), { recursive: true });
    const second = Journal.open(dir);
    expect(second.appendLine("c-1", "stdout", "next")[0].seq).toBe(21);
    second.close();
  });

  it("reads lines in order across segments and deletes acknowledged segments", () => {
    const journal = Journal.open(dir, { maxSegmentBytes: 300 });
    for (let i = 1; i <= 50; i++) journal.appendLine("c-1", "stdout", `line ${i}`);
    const segmentsBefore = fs.readdirSync(path.join(dir, "logs")).length;
    expect(segmentsBefore).toBeGreaterThan(3);
    const batches: number[][] = [];
    let after = 0;
    for (;;) {
      const batch = journal.readAfter(after, 7);
      if (batch.length === 0) break;
      batches.push(batch.map((l) => l.seq));
      after = batch.at(-1)!.seq;
    }
    expect(batches.flat()).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(batches.every((b) => b.length <= 7)).toBe(true);
    journal.acknowledgeLogs(40);
    const segmentsAfter = fs.readdirSync(path.join(dir, "logs")).length;
    expect(segmentsAfter).toBeLessThan(segmentsBefore);
    expect(journal.readAfter(40, 100).map((l) => l.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 41));
    journal.close();
  });

  it("reads the same lines from its memory tail as from disk, and older ones from disk", () => {
    const journal = Journal.open(dir, { maxSegmentBytes: 64 * 1024 });
    // More than the memory tail keeps, so the first batches must come from disk.
    for (let i = 1; i <= 5000; i++) journal.appendLine("c-1", i % 2 ? "stdout" : "stderr", `line ${i}`);
    const readAll = (j: Journal) => {
      const out: [number, string, string][] = [];
      for (let batch = j.readAfter(0, 999); batch.length > 0; batch = j.readAfter(out.at(-1)![0], 999))
        out.push(...batch.map((l): [number, string, string] => [l.seq, l.stream, l.text]));
      return out;
    };
    const live = readAll(journal);
    expect(live.map(([seq]) => seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(live[4999]).toEqual([5000, "stderr", "line 5000"]);
    journal.close();
    // A reopened journal has no memory tail: everything comes from disk, identical.
    const reopened = Journal.open(dir, { maxSegmentBytes: 64 * 1024 });
    expect(readAll(reopened)).toEqual(live);
    reopened.close();
  });

  it("splits long lines into 16 KB pieces with consecutive seqs", () => {
    const journal = Journal.open(dir);
    const written = journal.appendLine("c-1", "stdout", "x".repeat(40000));
    expect(written.map((l) => [l.seq, l.text.length])).toEqual([
      [1, 16384],
      [2, 16384],
      [3, 7232],
    ]);
    journal.close();
  });
});

describe("splitLongLine", () => {
  it("does not cut a surrogate pair in half", () => {
    const parts = splitLongLine(`${"a".repeat(3)}😀b`, 4);
    expect(parts).toEqual(["aaa", "😀b"]);
  });
});

describe("Journal commands", () => {
  it("remembers command states and unacknowledged results across restarts, ignoring a torn record", () => {
    const first = Journal.open(dir);
    first.recordReceived(spec("c-1"));
    first.recordRunning("c-1", 1000);
    first.recordProcessGroup("c-1", { pgid: 4242, bootId: "boot" });
    first.recordReceived(spec("c-2"));
    first.recordRunning("c-2", 2000);
    first.recordFinished({
      commandId: "c-2",
      status: "Succeeded",
      startedAt: 2000,
      finishedAt: 3000,
      diagnostics: { errorCode: "Success", scriptName: null, message: "ok", logTail: "" },
      scriptSource: null,
      lastLogSeq: 0,
    });
    first.close();
    fs.appendFileSync(path.join(dir, "commands.jsonl"), '{"t":"acked","id":"c-');
    const second = Journal.open(dir);
    expect(second.unfinishedCommands().map((c) => [c.spec.commandId, c.state, c.startedAt, c.processGroup])).toEqual([
      ["c-1", "running", 1000, { pgid: 4242, bootId: "boot" }],
    ]);
    expect(second.pendingResults().map((r) => r.commandId)).toEqual(["c-2"]);
    second.recordResultAcked("c-2");
    second.close();
    const third = Journal.open(dir);
    expect(third.pendingResults()).toEqual([]);
    expect(third.getCommand("c-2")?.resultAcked).toBe(true);
    third.close();
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyStorageFailure, createStorageHealth } from "./storage-health";

const errorWithCode = (code: string) => Object.assign(new Error(code), { code });

describe("storage health", () => {
  it.each([
    { name: "SQLite's full database is a storage failure", err: errorWithCode("SQLITE_FULL"), code: "SQLITE_FULL" },
    { name: "an SQLite write I/O error is a storage failure", err: errorWithCode("SQLITE_IOERR_WRITE"), code: "SQLITE_IOERR_WRITE" },
    { name: "a full file system while writing a file is a storage failure", err: errorWithCode("ENOSPC"), code: "ENOSPC" },
    { name: "an exceeded disk quota is a storage failure", err: errorWithCode("EDQUOT"), code: "EDQUOT" },
    { name: "a constraint violation is not", err: errorWithCode("SQLITE_CONSTRAINT_UNIQUE"), code: null },
    { name: "an error without a code is not", err: new Error("boom"), code: null },
    { name: "a thrown string is not", err: "boom", code: null },
  ])("$name", ({ err, code }) => {
    expect(classifyStorageFailure(err)).toBe(code);
  });

  it("keeps a problem until a write goes through, or until a probe write succeeds a moment later", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "landline-storage-health-"));
    let now = 1_000;
    const health = createStorageHealth(dir, () => now);
    expect(health.recordFailure(new Error("unrelated"))).toBe(false);
    expect(health.current()).toBeNull();
    expect(health.recordFailure(errorWithCode("SQLITE_FULL"))).toBe(true);
    expect(health.current()).toMatchObject({ code: "SQLITE_FULL", since: 1_000, message: expect.stringMatching(/disk holding its data directory is full/) });
    health.recordSuccess();
    expect(health.current()).toBeNull();
    health.recordFailure(errorWithCode("ENOSPC"));
    now += 1_000;
    expect(health.current()).not.toBeNull();
    now += 1_000;
    expect(health.current()).toBeNull();
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});

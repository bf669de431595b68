import { describe, expect, it } from "vitest";
import { parseCpuSeconds, readCpuSeconds, readRssBytes } from "./process-stats";

describe("parseCpuSeconds", () => {
  it("adds utime and stime (fields 14 and 15) even when the command name holds spaces and parentheses", () => {
    const stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 11 0 123 456 789";
    expect(parseCpuSeconds(stat, 100)).toBe(4);
  });
});

describe("reading /proc", () => {
  it("reads this process's RSS and a growing CPU time", () => {
    const before = readCpuSeconds(process.pid)!;
    const until = Date.now() + 50;
    while (Date.now() < until) Math.sqrt(Math.random());
    expect(readRssBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
    expect(readCpuSeconds(process.pid)!).toBeGreaterThan(before);
  });

  it("answers null for a process that does not exist", () => {
    expect(readRssBytes(2 ** 22 + 1)).toBeNull();
  });
});

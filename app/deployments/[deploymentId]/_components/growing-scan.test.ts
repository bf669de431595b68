import { describe, expect, it } from "vitest";
import { GrowingScan } from "./growing-scan";

const isEven = (n: number) => n % 2 === 0;

describe("finding lines in a growing log", () => {
  it("finds the matches of the list so far, then those of what was appended", () => {
    const scan = new GrowingScan(isEven);
    const items = [1, 2, 3];
    expect(scan.matchesIn(items)).toEqual([1]);
    items.push(4, 5, 6);
    expect(scan.matchesIn(items)).toEqual([1, 3, 5]);
  });

  it("tests each item once however often it is asked", () => {
    let tests = 0;
    const scan = new GrowingScan((n: number) => (tests++, isEven(n)));
    const items = Array.from({ length: 1000 }, (_, i) => i);
    for (let i = 0; i < 50; i++) scan.matchesIn(items);
    items.push(1000);
    scan.matchesIn(items);
    expect(tests).toBe(1001);
  });

  it("returns the same array until a match is added, so memoized views can depend on it", () => {
    const scan = new GrowingScan(isEven);
    const items = [2];
    const first = scan.matchesIn(items);
    items.push(3);
    expect(scan.matchesIn(items)).toBe(first);
    items.push(4);
    expect(scan.matchesIn(items)).not.toBe(first);
  });

  it("starts over when given a shorter list", () => {
    const scan = new GrowingScan(isEven);
    scan.matchesIn([0, 2, 4, 6]);
    expect(scan.matchesIn([1, 2])).toEqual([1]);
  });
});

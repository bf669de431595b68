import { describe, expect, it } from "vitest";
import { LatencyHistogram, median } from "./latency-histogram";

describe("LatencyHistogram", () => {
  it.each([
    { name: "the p50 of 1..100 ms is 50 ms", samples: Array.from({ length: 100 }, (_, i) => i + 1), p: 50, expected: 50 },
    { name: "the p99 of 1..100 ms is 99 ms", samples: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, expected: 99 },
    { name: "one slow sample among a thousand does not move the p99", samples: [...Array<number>(999).fill(5), 5000], p: 99, expected: 5 },
    { name: "samples beyond the range land in the last bucket", samples: [10, 500_000], p: 100, expected: 1000 },
  ])("$name", ({ samples, p, expected }) => {
    const histogram = new LatencyHistogram(1000);
    for (const s of samples) histogram.record(s);
    expect(histogram.percentile(p)).toBe(expected);
  });

  it("has no percentile before the first sample", () => {
    expect(new LatencyHistogram().percentile(50)).toBeNull();
  });
});

describe("median", () => {
  it.each([
    { name: "an odd count gives the middle value", values: [30, 10, 20], expected: 20 },
    { name: "an even count gives the mean of the middle two", values: [4, 1, 3, 2], expected: 2.5 },
  ])("$name", ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });
});

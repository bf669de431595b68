import { describe, expect, it } from "vitest";
import { computeMaxConcurrency, computeMinimumHealthyHosts, hasEnoughSuccesses, isMinimumHealthyHostsInvalid } from "./minimum-healthy-hosts";
import type { MinimumHealthyHosts } from "../contracts/resources";

const oneAtATime: MinimumHealthyHosts = { type: "MOST_CONCURRENCY", value: 1 };
const halfAtATime: MinimumHealthyHosts = { type: "FLEET_PERCENT", value: 50 };

describe("computeMinimumHealthyHosts (reference 2.1 and the 2.3 table)", () => {
  it.each([
    { name: "HOST_COUNT 9 of 10 is 9", n: 10, m: { type: "HOST_COUNT", value: 9 }, expected: 9, concurrency: 1, invalid: false },
    { name: "HOST_COUNT 8 of 10 is 8", n: 10, m: { type: "HOST_COUNT", value: 8 }, expected: 8, concurrency: 2, invalid: false },
    { name: "HOST_COUNT 0 of 10 is 0", n: 10, m: { type: "HOST_COUNT", value: 0 }, expected: 0, concurrency: 10, invalid: false },
    {
      name: "FLEET_PERCENT 95 of 10 rounds up to 10 and is invalid",
      n: 10,
      m: { type: "FLEET_PERCENT", value: 95 },
      expected: 10,
      concurrency: 0,
      invalid: true,
    },
    { name: "FLEET_PERCENT 85 of 10 rounds up to 9", n: 10, m: { type: "FLEET_PERCENT", value: 85 }, expected: 9, concurrency: 1, invalid: false },
    { name: "HOST_COUNT 6 of 9 is 6", n: 9, m: { type: "HOST_COUNT", value: 6 }, expected: 6, concurrency: 3, invalid: false },
    { name: "FLEET_PERCENT 40 of 9 rounds 3.6 up to 4", n: 9, m: { type: "FLEET_PERCENT", value: 40 }, expected: 4, concurrency: 5, invalid: false },
    { name: "HalfAtATime of 9 is 5", n: 9, m: halfAtATime, expected: 5, concurrency: 4, invalid: false },
    { name: "AllAtOnce of 9 is 0", n: 9, m: { type: "HOST_COUNT", value: 0 }, expected: 0, concurrency: 9, invalid: false },
    { name: "OneAtATime of 9 is 8", n: 9, m: oneAtATime, expected: 8, concurrency: 1, invalid: false },
    { name: "OneAtATime of 1 is 0, so the single host may run", n: 1, m: oneAtATime, expected: 0, concurrency: 1, invalid: false },
    { name: "FLEET_PERCENT 0 of 7 is 0 (all at once)", n: 7, m: { type: "FLEET_PERCENT", value: 0 }, expected: 0, concurrency: 7, invalid: false },
  ] as const)("$name", ({ n, m, expected, concurrency, invalid }) => {
    expect(computeMinimumHealthyHosts(m, n)).toBe(expected);
    expect(computeMaxConcurrency(m, n)).toBe(concurrency);
    expect(isMinimumHealthyHostsInvalid(m, n)).toBe(invalid);
  });

  it.each([
    { name: "AllAtOnce still needs one success", m: { type: "HOST_COUNT", value: 0 }, n: 3, succeeded: 0, ok: false },
    { name: "AllAtOnce succeeds with one success", m: { type: "HOST_COUNT", value: 0 }, n: 3, succeeded: 1, ok: true },
    { name: "HalfAtATime of 9 needs 5", m: halfAtATime, n: 9, succeeded: 4, ok: false },
    { name: "OneAtATime of 1 needs its host", m: oneAtATime, n: 1, succeeded: 0, ok: false },
  ] as const)("$name", ({ m, n, succeeded, ok }) => {
    expect(hasEnoughSuccesses(m, n, succeeded)).toBe(ok);
  });
});

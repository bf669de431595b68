import { describe, expect, it } from "vitest";
import { classifyTargetHealth } from "./target-order";

describe("classifyTargetHealth (reference 2.2)", () => {
  it.each([
    { name: "a host that never received a revision is unhealthy", previous: null, expected: "Unhealthy" },
    { name: "a host whose last deployment failed is unhealthy", previous: { status: "Failed", revisionId: "r1" }, expected: "Unhealthy" },
    { name: "a host lost mid-deployment is unhealthy", previous: { status: "Unknown", revisionId: "r1" }, expected: "Unhealthy" },
    { name: "a host on an older revision is old", previous: { status: "Succeeded", revisionId: "r0" }, expected: "OldRevision" },
    { name: "a host on the group's last successful revision is current", previous: { status: "Succeeded", revisionId: "r1" }, expected: "CurrentRevision" },
  ] as const)("$name", ({ previous, expected }) => {
    expect(classifyTargetHealth(previous, "r1")).toBe(expected);
  });
});

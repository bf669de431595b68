import { describe, expect, it } from "vitest";
import type { HostTag } from "../contracts/resources";
import { decideEnrollment, type EnrollmentDecision, type EnrollmentTokenPolicy } from "./enrollment-policy";

const prod: HostTag = { key: "env", value: "prod" };
const staging: HostTag = { key: "env", value: "staging" };
const web: HostTag = { key: "role", value: "web" };

const fixedToProd: EnrollmentTokenPolicy = { tags: [prod], allowHostTags: false, requireApproval: false };
const prodPlusOwn: EnrollmentTokenPolicy = { tags: [prod], allowHostTags: true, requireApproval: false };
const open: EnrollmentTokenPolicy = { tags: [], allowHostTags: true, requireApproval: false };
const closedEmpty: EnrollmentTokenPolicy = { tags: [], allowHostTags: false, requireApproval: false };

describe("decideEnrollment", () => {
  it.each<[string, EnrollmentTokenPolicy, HostTag[], boolean, EnrollmentDecision]>([
    ["a token with fixed tags gives them to a host that asks for none", fixedToProd, [], false, { accepted: true, tags: [prod], approval: "approved" }],
    ["a host may repeat a fixed tag", fixedToProd, [prod], false, { accepted: true, tags: [prod], approval: "approved" }],
    [
      "a host cannot change a fixed tag's value, so it cannot join another environment",
      fixedToProd,
      [staging],
      false,
      { accepted: false, reason: "this enrollment token sets env=prod; the host cannot change it to env=staging" },
    ],
    [
      "a host cannot add a tag when the token fixes them",
      fixedToProd,
      [web],
      false,
      { accepted: false, reason: "this enrollment token fixes the host's tags and does not allow role=web" },
    ],
    ["a token without tags that allows none enrolls hosts without tags", closedEmpty, [], false, { accepted: true, tags: [], approval: "approved" }],
    [
      "a token without tags that allows none refuses a host's tags",
      closedEmpty,
      [prod],
      false,
      { accepted: false, reason: "this enrollment token fixes the host's tags and does not allow env=prod" },
    ],
    ["a token that allows host tags adds them after its own", prodPlusOwn, [web], false, { accepted: true, tags: [prod, web], approval: "approved" }],
    [
      "a token that allows host tags still keeps its own values",
      prodPlusOwn,
      [staging, web],
      false,
      { accepted: false, reason: "this enrollment token sets env=prod; the host cannot change it to env=staging" },
    ],
    [
      "an open token takes the host's tags, each key once",
      open,
      [web, prod, { key: "role", value: "db" }],
      false,
      { accepted: true, tags: [web, prod], approval: "approved" },
    ],
    [
      "a token that requires approval enrolls a pending host",
      { ...fixedToProd, requireApproval: true },
      [],
      false,
      { accepted: true, tags: [prod], approval: "pending" },
    ],
    ["the server setting makes every new host pending, whatever the token says", fixedToProd, [], true, { accepted: true, tags: [prod], approval: "pending" }],
  ])("%s", (_name, token, requested, serverRequiresApproval, expected) => {
    expect(decideEnrollment(token, requested, serverRequiresApproval)).toEqual(expected);
  });

  it("does not modify its inputs", () => {
    const token = { tags: [prod], allowHostTags: true, requireApproval: false };
    const requested = [web];
    const before = JSON.stringify([token, requested]);
    decideEnrollment(token, requested, false);
    expect(JSON.stringify([token, requested])).toBe(before);
  });
});

import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createApplicationInputSchema, createDeploymentConfigInputSchema, createDeploymentGroupInputSchema, updateHostTagsInputSchema } from "./catalog";

/** "path: message" of every issue, or [] when the input is valid. */
function issuesOf(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("application names", () => {
  it.each([
    ["a one-character name is accepted", "a", null],
    ["a 100-character name is accepted", "a".repeat(100), null],
    ["every allowed punctuation character is accepted", "App_1.2+3=4,5@6-7", null],
    ["an empty name is refused", "", "applicationName: must not be empty"],
    ["a 101-character name is refused", "a".repeat(101), "applicationName: must be at most 100 characters"],
    ["a space is refused", "my app", "applicationName: may contain only letters, digits and . _ + = , @ -"],
    ["a slash is refused", "team/app", "applicationName: may contain only letters, digits and . _ + = , @ -"],
    ["a non-ASCII letter is refused", "appé", "applicationName: may contain only letters, digits and . _ + = , @ -"],
  ])("%s", (_, applicationName, expected) => {
    const issues = issuesOf(createApplicationInputSchema, { applicationName });
    if (expected) expect(issues).toContain(expected);
    else expect(issues).toEqual([]);
  });
});

describe("custom deployment configs", () => {
  it.each([
    ["HOST_COUNT 0 (all at once) is accepted", "HOST_COUNT", 0, null],
    ["a large HOST_COUNT is accepted", "HOST_COUNT", 5000, null],
    ["FLEET_PERCENT 0 is accepted", "FLEET_PERCENT", 0, null],
    ["FLEET_PERCENT 99 is accepted", "FLEET_PERCENT", 99, null],
    ["a negative HOST_COUNT is refused", "HOST_COUNT", -1, "minimumHealthyHosts.value: must be at least 0"],
    ["FLEET_PERCENT 100 is refused", "FLEET_PERCENT", 100, "minimumHealthyHosts.value: FLEET_PERCENT must be between 0 and 99"],
    ["a negative FLEET_PERCENT is refused", "FLEET_PERCENT", -5, "minimumHealthyHosts.value: must be at least 0"],
    ["a fractional HOST_COUNT is refused", "HOST_COUNT", 1.5, "minimumHealthyHosts.value: must be a whole number"],
    ["a fractional FLEET_PERCENT is refused", "FLEET_PERCENT", 33.3, "minimumHealthyHosts.value: must be a whole number"],
  ])("%s", (_, type, value, expected) => {
    const issues = issuesOf(createDeploymentConfigInputSchema, { deploymentConfigName: "Custom", minimumHealthyHosts: { type, value } });
    expect(issues).toEqual(expected ? [expected] : []);
  });

  it("refuses MOST_CONCURRENCY, which only predefined configs report", () => {
    const issues = issuesOf(createDeploymentConfigInputSchema, { deploymentConfigName: "Custom", minimumHealthyHosts: { type: "MOST_CONCURRENCY", value: 1 } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^minimumHealthyHosts\.type: /);
  });

  it.each([
    [
      "the reserved CodeDeployDefault. prefix is refused",
      "CodeDeployDefault.Mine",
      "deploymentConfigName: names starting with CodeDeployDefault. are reserved for predefined configs",
    ],
    ["the prefix without its dot is an ordinary name", "CodeDeployDefaultMine", null],
    ["a 101-character name is refused", "c".repeat(101), "deploymentConfigName: must be at most 100 characters"],
  ])("%s", (_, deploymentConfigName, expected) => {
    const issues = issuesOf(createDeploymentConfigInputSchema, { deploymentConfigName, minimumHealthyHosts: { type: "HOST_COUNT", value: 1 } });
    expect(issues).toEqual(expected ? [expected] : []);
  });
});

describe("deployment group tag sets", () => {
  const group = (onPremisesTagSet: unknown) => ({ applicationName: "app", deploymentGroupName: "prod", onPremisesTagSet });
  const filter = (i: number) => ({ key: `k${i}`, value: "v", type: "KEY_AND_VALUE" });

  it.each([
    ["KEY_ONLY with a key is accepted", [[{ key: "role", type: "KEY_ONLY" }]], null],
    ["KEY_ONLY without a key is refused", [[{ value: "web", type: "KEY_ONLY" }]], "onPremisesTagSet.0.0.key: key is required for KEY_ONLY"],
    ["VALUE_ONLY with a value is accepted", [[{ value: "web", type: "VALUE_ONLY" }]], null],
    ["VALUE_ONLY without a value is refused", [[{ key: "role", type: "VALUE_ONLY" }]], "onPremisesTagSet.0.0.value: value is required for VALUE_ONLY"],
    ["KEY_AND_VALUE with both is accepted", [[{ key: "role", value: "web", type: "KEY_AND_VALUE" }]], null],
    ["KEY_AND_VALUE without a value is refused", [[{ key: "role", type: "KEY_AND_VALUE" }]], "onPremisesTagSet.0.0.value: value is required for KEY_AND_VALUE"],
    ["KEY_AND_VALUE without a key is refused", [[{ value: "web", type: "KEY_AND_VALUE" }]], "onPremisesTagSet.0.0.key: key is required for KEY_AND_VALUE"],
    ["an empty tag set (targets nothing) is accepted", [], null],
    ["three groups are accepted", [[filter(1)], [filter(2)], [filter(3)]], null],
    ["four groups are refused", [[filter(1)], [filter(2)], [filter(3)], [filter(4)]], "onPremisesTagSet: at most 3 tag groups"],
    ["ten filters in a group are accepted", [Array.from({ length: 10 }, (_, i) => filter(i))], null],
    ["eleven filters in a group are refused", [Array.from({ length: 11 }, (_, i) => filter(i))], "onPremisesTagSet.0: a tag group holds at most 10 filters"],
    ["an empty group is refused", [[filter(1)], []], "onPremisesTagSet.1: a tag group needs at least one filter"],
    ["a 128-character key is accepted", [[{ key: "k".repeat(128), type: "KEY_ONLY" }]], null],
    ["a 129-character key is refused", [[{ key: "k".repeat(129), type: "KEY_ONLY" }]], "onPremisesTagSet.0.0.key: tag key must be at most 128 characters"],
    ["a 256-character value is accepted", [[{ value: "v".repeat(256), type: "VALUE_ONLY" }]], null],
    [
      "a 257-character value is refused",
      [[{ value: "v".repeat(257), type: "VALUE_ONLY" }]],
      "onPremisesTagSet.0.0.value: tag value must be at most 256 characters",
    ],
  ])("%s", (_, tagSet, expected) => {
    expect(issuesOf(createDeploymentGroupInputSchema, group(tagSet))).toEqual(expected ? [expected] : []);
  });

  it("names the unknown filter type and where it is", () => {
    const issues = issuesOf(createDeploymentGroupInputSchema, group([[{ key: "a" }], [{ key: "role", type: "PREFIX" }]]));
    expect(issues.map((i) => i.split(":")[0])).toEqual(["onPremisesTagSet.0.0.type", "onPremisesTagSet.1.0.type"]);
  });

  it("refuses an unknown file-exists behaviour and auto-rollback event", () => {
    const issues = issuesOf(createDeploymentGroupInputSchema, {
      ...group([]),
      fileExistsBehavior: "MERGE",
      autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "SOMETIMES"] },
    });
    expect(issues.map((i) => i.split(":")[0])).toEqual(["autoRollbackConfiguration.events.1", "fileExistsBehavior"]);
  });
});

describe("host tags", () => {
  it("accepts unique keys and empty values", () => {
    expect(
      issuesOf(updateHostTagsInputSchema, {
        hostName: "web-1",
        tags: [
          { key: "role", value: "" },
          { key: "env", value: "prod" },
        ],
      }),
    ).toEqual([]);
  });

  it("refuses a key given twice, naming the second occurrence", () => {
    expect(
      issuesOf(updateHostTagsInputSchema, {
        hostName: "web-1",
        tags: [
          { key: "env", value: "a" },
          { key: "role", value: "" },
          { key: "env", value: "b" },
        ],
      }),
    ).toEqual(["tags.2.key: tag key env appears more than once"]);
  });
});

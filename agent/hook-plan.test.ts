import { describe, expect, it } from "vitest";
import type { ScriptableLifecycleEvent } from "../server/contracts/deployment";
import { planHooks, selectScriptRevision, type RevisionOnHost } from "./hook-plan";

const appSpec = (hooks: string) => `version: 0.0\nos: linux\nhooks:\n${hooks}`;

function revision(deploymentId: string, text: string | null, archiveExists = true): RevisionOnHost {
  return {
    archiveDir: `/agent/deployments/g-1/${deploymentId}/deployment-archive`,
    source: { deploymentId, revisionId: `rev-${deploymentId}`, sha256: "a".repeat(64) },
    archiveExists,
    appSpecFile: "appspec.yml",
    appSpecText: text,
  };
}

const current = revision(
  "d-CURRENT01",
  appSpec(
    [
      "  ApplicationStop:\n    - location: scripts/stop-new.sh",
      "  BeforeInstall:\n    - location: scripts/a.sh\n    - location: /scripts/b.sh\n      timeout: 90\n      runas: nobody",
      "  ApplicationStart:\n    - location: ./scripts/start.sh",
      "  ValidateService:",
    ].join("\n"),
  ),
);
const previous = revision("d-PREVIOUS1", appSpec("  ApplicationStop:\n    - location: scripts/stop-old.sh\n      timeout: 30"));

describe("selectScriptRevision", () => {
  it.each<[ScriptableLifecycleEvent, string]>([
    ["ApplicationStop", "lastSuccessfulInstall"],
    ["BeforeBlockTraffic", "lastSuccessfulInstall"],
    ["AfterBlockTraffic", "lastSuccessfulInstall"],
    ["BeforeInstall", "current"],
    ["AfterInstall", "current"],
    ["ApplicationStart", "current"],
    ["ValidateService", "current"],
    ["BeforeAllowTraffic", "current"],
    ["AfterAllowTraffic", "current"],
  ])("%s runs the scripts of the %s revision", (event, expected) => {
    expect(selectScriptRevision(event)).toBe(expected);
  });
});

describe("planHooks", () => {
  const base = { current, lastSuccessfulInstall: previous, defaultTimeoutSeconds: 3600, hostOs: "linux" as const };

  it.each([
    {
      name: "ApplicationStop runs the previously installed revision's stop script, not the new one",
      input: { ...base, event: "ApplicationStop" as const },
      expected: {
        kind: "run",
        scriptSource: previous.source,
        invocations: [
          {
            location: "scripts/stop-old.sh",
            scriptPath: `${previous.archiveDir}/scripts/stop-old.sh`,
            cwd: previous.archiveDir,
            timeoutSeconds: 30,
            runas: null,
            sudo: false,
          },
        ],
      },
    },
    {
      name: "ApplicationStop on a host's first deployment is skipped",
      input: { ...base, lastSuccessfulInstall: null, event: "ApplicationStop" as const },
      expected: { kind: "skip", scriptSource: null },
    },
    {
      name: "BeforeInstall runs the current revision's scripts in order with their timeout and runas",
      input: { ...base, event: "BeforeInstall" as const },
      expected: {
        kind: "run",
        scriptSource: current.source,
        invocations: [
          {
            location: "scripts/a.sh",
            scriptPath: `${current.archiveDir}/scripts/a.sh`,
            cwd: current.archiveDir,
            timeoutSeconds: 3600,
            runas: null,
            sudo: false,
          },
          {
            location: "/scripts/b.sh",
            scriptPath: `${current.archiveDir}/scripts/b.sh`,
            cwd: current.archiveDir,
            timeoutSeconds: 90,
            runas: "nobody",
            sudo: false,
          },
        ],
      },
    },
    {
      name: "a location starting with ./ resolves inside the revision",
      input: { ...base, event: "ApplicationStart" as const, defaultTimeoutSeconds: 7200 },
      expected: {
        kind: "run",
        scriptSource: current.source,
        invocations: [
          {
            location: "./scripts/start.sh",
            scriptPath: `${current.archiveDir}/scripts/start.sh`,
            cwd: current.archiveDir,
            timeoutSeconds: 7200,
            runas: null,
            sudo: false,
          },
        ],
      },
    },
    {
      name: "an event listed with no scripts is skipped",
      input: { ...base, event: "ValidateService" as const },
      expected: { kind: "skip", scriptSource: current.source },
    },
    {
      name: "an event missing from the appspec is skipped",
      input: { ...base, event: "AfterInstall" as const },
      expected: { kind: "skip", scriptSource: current.source },
    },
    {
      name: "a current-revision event fails when DownloadBundle has not put the revision on the host",
      input: { ...base, current: null, event: "AfterInstall" as const },
      expected: { kind: "fail", scriptSource: null },
    },
    {
      name: "ApplicationStop fails when the last installed revision's directory was deleted",
      input: { ...base, lastSuccessfulInstall: revision("d-PREVIOUS1", null, false), event: "ApplicationStop" as const },
      expected: { kind: "fail", scriptSource: previous.source },
    },
    {
      name: "a revision without an appspec fails",
      input: { ...base, current: revision("d-CURRENT01", null), event: "BeforeInstall" as const },
      expected: { kind: "fail", scriptSource: current.source },
    },
    {
      name: "a windows appspec fails on a linux host",
      input: { ...base, current: revision("d-CURRENT01", "version: 0.0\nos: windows\n"), event: "BeforeInstall" as const },
      expected: { kind: "fail", scriptSource: current.source },
    },
    {
      name: "a script location escaping the revision fails",
      input: { ...base, current: revision("d-CURRENT01", appSpec("  BeforeInstall:\n    - location: ../../../bin/sh")), event: "BeforeInstall" as const },
      expected: { kind: "fail", scriptSource: current.source },
    },
  ])("$name", ({ input, expected }) => {
    expect(planHooks(input)).toMatchObject(expected);
  });

  it("an invalid appspec fails with the file, line and field in the message", () => {
    const plan = planHooks({
      ...base,
      current: revision("d-CURRENT01", "version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - timeout: 5\n"),
      event: "BeforeInstall",
    });
    expect(plan.kind).toBe("fail");
    expect(plan.kind === "fail" && plan.message).toContain("appspec.yml:5:7 hooks.BeforeInstall[0].location");
  });
});

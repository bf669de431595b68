import { describe, expect, it } from "vitest";
import type { DeploymentStatus } from "@/server/contracts/deployment";
import { describeTargetState } from "./target-state";

type Row = [string, Parameters<typeof describeTargetState>[0], DeploymentStatus, { shown: string; detail: string; reason: string | null }];

describe("describeTargetState", () => {
  it.each<Row>([
    [
      "a host whose running event a stop cancelled shows as Stopped, not Failed",
      { status: "Failed", currentEvent: null, failedEvent: "ApplicationStart", failedErrorCode: "Cancelled" },
      "Stopped",
      { shown: "Stopped", detail: "Stopped in ApplicationStart", reason: "Stopped: the deployment was stopped while ApplicationStart was running on this host." },
    ],
    [
      "a host skipped after the deployment failed says the deployment failed before its batch",
      { status: "Skipped", currentEvent: null, failedEvent: null, failedErrorCode: null },
      "Failed",
      { shown: "Skipped", detail: "Skipped · deployment failed first", reason: "Skipped: the deployment failed before this host's batch." },
    ],
    [
      "a host skipped by a stop says the stop came before its batch",
      { status: "Skipped", currentEvent: null, failedEvent: null, failedErrorCode: null },
      "Stopped",
      { shown: "Skipped", detail: "Skipped · stopped before its batch", reason: "Skipped: the deployment was stopped before this host's batch." },
    ],
    [
      "a host whose script failed stays Failed, with the event",
      { status: "Failed", currentEvent: null, failedEvent: "AfterInstall", failedErrorCode: "ScriptFailed" },
      "Stopped",
      { shown: "Failed", detail: "Failed · failed in AfterInstall", reason: null },
    ],
    [
      "a running host names its event",
      { status: "InProgress", currentEvent: "Install", failedEvent: null, failedErrorCode: null },
      "InProgress",
      { shown: "InProgress", detail: "In progress · Install", reason: null },
    ],
  ])("%s", (_, target, deploymentStatus, expected) => {
    expect(describeTargetState(target, deploymentStatus)).toEqual(expected);
  });
});

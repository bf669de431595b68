import { describe, expect, it } from "vitest";
import type { DeploymentStatus } from "@/server/contracts/deployment";
import { describeTargetState } from "./target-state";

type Row = [string, Parameters<typeof describeTargetState>[0], DeploymentStatus, { shown: string; detail: string; reason: string | null }];

describe("describeTargetState", () => {
  it.each<Row>([
    [
      "a host whose running event a stop cancelled shows as Stopped, not Failed",
      { status: "Failed", currentEvent: null, failedEvent: "ApplicationStart", failedErrorCode: "Cancelled", online: true },
      "Stopped",
      {
        shown: "Stopped",
        detail: "Stopped in ApplicationStart",
        reason: "Stopped: the deployment was stopped while ApplicationStart was running on this host.",
      },
    ],
    [
      "a host skipped after the deployment failed says the deployment failed before its batch",
      { status: "Skipped", currentEvent: null, failedEvent: null, failedErrorCode: null, online: true },
      "Failed",
      { shown: "Skipped", detail: "Skipped · deployment failed first", reason: "Skipped: the deployment failed before this host's batch." },
    ],
    [
      "a host skipped by a stop says the stop came before its batch",
      { status: "Skipped", currentEvent: null, failedEvent: null, failedErrorCode: null, online: true },
      "Stopped",
      { shown: "Skipped", detail: "Skipped · stopped before its batch", reason: "Skipped: the deployment was stopped before this host's batch." },
    ],
    [
      "a host whose script failed stays Failed, with the event",
      { status: "Failed", currentEvent: null, failedEvent: "AfterInstall", failedErrorCode: "ScriptFailed", online: true },
      "Stopped",
      { shown: "Failed", detail: "Failed · failed in AfterInstall", reason: null },
    ],
    [
      "a running host names its event",
      { status: "InProgress", currentEvent: "Install", failedEvent: null, failedErrorCode: null, online: true },
      "InProgress",
      { shown: "InProgress", detail: "In progress · Install", reason: null },
    ],
    [
      "a pending host with its agent connected waits for its batch",
      { status: "Pending", currentEvent: null, failedEvent: null, failedErrorCode: null, online: true },
      "InProgress",
      { shown: "Pending", detail: "Pending · waiting for its batch", reason: null },
    ],
    [
      "a pending host whose agent is offline says it also waits for its agent",
      { status: "Pending", currentEvent: null, failedEvent: null, failedErrorCode: null, online: false },
      "InProgress",
      {
        shown: "Pending",
        detail: "Pending · waiting for its agent (offline)",
        reason: "Pending: this host's agent is offline; when its batch starts, the host fails unless the agent connects within the agent grace period.",
      },
    ],
  ])("%s", (_, target, deploymentStatus, expected) => {
    expect(describeTargetState(target, deploymentStatus)).toEqual(expected);
  });
});

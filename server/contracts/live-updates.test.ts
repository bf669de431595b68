import { describe, expect, it } from "vitest";
import { parseLiveUpdate, type LiveUpdates } from "./live-updates";

const overview = { Pending: 0, InProgress: 1, Succeeded: 2, Failed: 0, Skipped: 0 };
const line = { seq: 7, targetId: "t-1", eventName: "Install", at: 1, stream: "stdout", text: "copying" };

describe("parseLiveUpdate", () => {
  it.each<[string, keyof LiveUpdates, unknown, boolean]>([
    [
      "a deployment update with its overview is accepted",
      "deployment:updated",
      { deploymentId: "d-1", status: "InProgress", overview, completedAt: null },
      true,
    ],
    [
      "a deployment status the browser does not know is refused",
      "deployment:updated",
      { deploymentId: "d-1", status: "Paused", overview, completedAt: null },
      false,
    ],
    ["a deployment update without its overview is refused", "deployment:updated", { deploymentId: "d-1", status: "Failed", completedAt: 5 }, false],
    ["log lines on known streams are accepted", "log:lines", { deploymentId: "d-1", targetId: "t-1", lines: [line] }, true],
    ["a log line on an unknown stream is refused", "log:lines", { deploymentId: "d-1", targetId: "t-1", lines: [{ ...line, stream: "stdin" }] }, false],
    ["a host update is accepted", "host:updated", { hostId: "h-1", name: "web-1", online: true, lastSeenAt: 3 }, true],
    ["a host update whose online flag is text is refused", "host:updated", { hostId: "h-1", name: "web-1", online: "yes", lastSeenAt: 3 }, false],
    [
      "a target update with its events is accepted",
      "target:updated",
      {
        deploymentId: "d-1",
        targetId: "t-1",
        hostName: "web-1",
        status: "InProgress",
        events: [{ name: "Install", status: "InProgress", startedAt: 1, completedAt: null, diagnostics: null }],
      },
      true,
    ],
    ["no payload at all is refused", "target:updated", undefined, false],
  ])("%s", (_sentence, event, payload, accepted) => {
    const update = parseLiveUpdate(event, payload);
    expect(update !== null).toBe(accepted);
    if (accepted) expect(update).toEqual(payload);
  });
});

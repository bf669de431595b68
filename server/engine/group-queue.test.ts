import { describe, expect, it } from "vitest";
import { planGroupStarts, type QueuedDeployment } from "./group-queue";

const d = (id: string, status: QueuedDeployment["status"], createdAt: number, extra: Partial<QueuedDeployment> = {}): QueuedDeployment => ({
  id,
  status,
  creator: "user",
  createdAt,
  startAt: null,
  ...extra,
});

describe("planGroupStarts", () => {
  it.each([
    { name: "a free group starts its oldest waiting deployment", list: [d("b", "Created", 2), d("a", "Created", 1)], start: "a", queue: ["b"] },
    { name: "a busy group queues new deployments", list: [d("a", "InProgress", 1), d("b", "Created", 2)], start: null, queue: ["b"] },
    { name: "queued deployments are not queued again", list: [d("a", "InProgress", 1), d("b", "Queued", 2)], start: null, queue: [] },
    { name: "a scheduled deployment waits for its time", list: [d("a", "Scheduled", 1, { startAt: 100 })], now: 99, start: null, queue: [] },
    { name: "a due scheduled deployment starts", list: [d("a", "Scheduled", 1, { startAt: 100 })], now: 100, start: "a", queue: [] },
    {
      name: "a due scheduled deployment in a busy group is queued",
      list: [d("x", "InProgress", 0), d("a", "Scheduled", 1, { startAt: 50 })],
      now: 100,
      start: null,
      queue: ["a"],
    },
    {
      name: "a rollback goes before deployments that waited longer",
      list: [d("a", "Queued", 1), d("r", "Created", 5, { creator: "codeDeployRollback" })],
      start: "r",
      queue: [],
    },
  ])("$name", ({ list, now, start, queue }) => {
    expect(planGroupStarts(list, now ?? 1_000)).toEqual({ startId: start, queueIds: queue });
  });
});

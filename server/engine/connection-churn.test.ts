import { describe, expect, it } from "vitest";
import { CONNECTION_CHURN_WINDOW_MS, countReplacement, selectConnectionChurnWarning, type ConnectionChurn } from "./connection-churn";

const minute = 60_000;

describe("connection churn", () => {
  it.each([
    {
      name: "a first replacement counts one",
      churn: { replacements: 0, lastReplacedAt: null },
      now: 1000,
      expected: { replacements: 1, lastReplacedAt: 1000 },
    },
    {
      name: "a replacement within the window adds one",
      churn: { replacements: 4, lastReplacedAt: 1000 },
      now: 1000 + minute,
      expected: { replacements: 5, lastReplacedAt: 1000 + minute },
    },
    {
      name: "a replacement after a quiet window starts counting again",
      churn: { replacements: 9, lastReplacedAt: 1000 },
      now: 1000 + CONNECTION_CHURN_WINDOW_MS,
      expected: { replacements: 1, lastReplacedAt: 1000 + CONNECTION_CHURN_WINDOW_MS },
    },
  ] satisfies { name: string; churn: ConnectionChurn; now: number; expected: ConnectionChurn }[])("$name", ({ churn, now, expected }) => {
    const before = structuredClone(churn);
    expect(countReplacement(churn, now)).toEqual(expected);
    expect(churn).toEqual(before);
  });

  it.each([
    { name: "a host never replaced has no warning", churn: { replacements: 0, lastReplacedAt: null }, now: 0, warned: false },
    { name: "two replacements are ordinary reconnects", churn: { replacements: 2, lastReplacedAt: 0 }, now: minute, warned: false },
    { name: "three replacements in a row within minutes warn", churn: { replacements: 3, lastReplacedAt: 0 }, now: minute, warned: true },
    { name: "the warning ends after a quiet window", churn: { replacements: 50, lastReplacedAt: 0 }, now: CONNECTION_CHURN_WINDOW_MS, warned: false },
  ] satisfies { name: string; churn: ConnectionChurn; now: number; warned: boolean }[])("$name", ({ churn, now, warned }) => {
    expect(selectConnectionChurnWarning(churn, now) !== null).toBe(warned);
  });
});

import { describe, expect, it } from "vitest";
import { waitFor } from "./wait-for";

describe("waitFor", () => {
  it("resolves to the condition's first truthy value", async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? { calls } : null), { timeoutMs: 5_000 })).toEqual({ calls: 3 });
  });

  it("waits on an asynchronous condition", async () => {
    const readyAt = Date.now() + 50;
    expect(await waitFor(async () => Date.now() >= readyAt && "ready", { timeoutMs: 5_000 })).toBe("ready");
  });

  it("names what it waited for and the last value when time runs out", async () => {
    await expect(waitFor(() => ({ status: "InProgress", ok: false }).ok, { timeoutMs: 50, what: "the deployment" })).rejects.toThrow(
      "timed out after 50 ms waiting for the deployment (last value: false)",
    );
  });

  it("keeps trying through errors and reports the last one", async () => {
    let calls = 0;
    expect(
      await waitFor(
        () => {
          if (++calls < 3) throw new Error("not yet");
          return calls;
        },
        { timeoutMs: 5_000 },
      ),
    ).toBe(3);
    await expect(
      waitFor(
        () => {
          throw new Error("d-1 is still InProgress");
        },
        { timeoutMs: 50, what: "d-1 to finish" },
      ),
    ).rejects.toThrow("waiting for d-1 to finish (last error: d-1 is still InProgress)");
  });
});

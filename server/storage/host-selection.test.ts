import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Deps } from "../deps";
import { insertTestHost } from "../test/catalog-fixtures";
import { createTestDeps } from "../test/test-context";
import { selectHostsForTagSet } from "./host-selection";

let deps: Deps & { cleanup: () => void };

beforeEach(() => {
  deps = createTestDeps();
});
afterEach(() => deps.cleanup());

describe("selectHostsForTagSet", () => {
  it("returns the matching registered hosts by name, online or not, with their tags", () => {
    const b = insertTestHost(deps, "web-b", [{ key: "role", value: "web" }]);
    const a = insertTestHost(deps, "web-a", [{ key: "role", value: "web" }], { online: true });
    insertTestHost(deps, "web-gone", [{ key: "role", value: "web" }], { online: true, deregisteredAt: 10 });
    insertTestHost(deps, "db", [{ key: "role", value: "db" }]);
    expect(selectHostsForTagSet(deps.db, [[{ key: "role", value: "web", type: "KEY_AND_VALUE" }]])).toEqual([
      { hostId: a.hostId, hostName: "web-a", tags: [{ key: "role", value: "web" }], online: true },
      { hostId: b.hostId, hostName: "web-b", tags: [{ key: "role", value: "web" }], online: false },
    ]);
  });

  it("selects nothing for an empty tag set even when hosts exist", () => {
    insertTestHost(deps, "web-a", [{ key: "role", value: "web" }]);
    expect(selectHostsForTagSet(deps.db, [])).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { figure } from "./benchmark";
import { renderTable } from "./results-table";

describe("renderTable", () => {
  it("prints one aligned row per figure with the value, goal and whether it is met", () => {
    const table = renderTable([
      figure("fanout", "AllAtOnce, 1,000 hosts", 3.3, "s", { below: 5 }),
      figure("bundle", "share of the ceiling", 72, "%", { atLeast: 80 }),
      figure("trivial", "floor", 17, "ms"),
      figure("idle", "missing", null, "KB", { below: 30 }, "server crashed"),
    ]).split("\n");
    expect(table[0]).toMatch(/^benchmark\s+figure\s+value\s+goal\s+met\s+note$/);
    expect(table[2]).toMatch(/^fanout\s+AllAtOnce, 1,000 hosts\s+3\.3 s\s+< 5 s\s+yes$/);
    expect(table[3]).toMatch(/^bundle\s+share of the ceiling\s+72 %\s+≥ 80 %\s+NO$/);
    expect(table[4]).toMatch(/^trivial\s+floor\s+17 ms$/);
    expect(table[5]).toMatch(/^idle\s+missing\s+n\/a\s+< 30 KB\s+\?\s+server crashed$/);
    const figureColumn = table[0].indexOf("figure");
    for (const row of table.slice(2)) expect(row.slice(figureColumn - 2, figureColumn + 1)).toMatch(/^ {2}\S$/);
  });
});

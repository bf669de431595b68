import { describe, expect, it } from "vitest";
import { figuresFromOutput } from "./external-benchmark";

describe("figuresFromOutput", () => {
  it("turns JSON lines into figures and ignores other output", () => {
    const stdout = 'starting\n{"name":"peak RSS","value":42,"unit":"MB","goal":"< 100 MB","met":true}\ndone\n';
    expect(figuresFromOutput("upload", stdout, 0)).toEqual([{ benchmark: "upload", name: "peak RSS", value: 42, unit: "MB", goal: "< 100 MB", met: true }]);
  });

  it("reports a failed program by its exit status and last line", () => {
    expect(figuresFromOutput("upload", "one\nError: boom\n", 1)).toEqual([
      { benchmark: "upload", name: "exit status", value: 1, unit: "", goal: "0", met: false, note: "Error: boom" },
    ]);
  });
});

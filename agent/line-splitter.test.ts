import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter";

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((t) => lines.push(t));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.flush();
  return lines;
}

describe("LineSplitter", () => {
  it.each([
    { name: "LF and CRLF endings are both line ends", chunks: ["a\nb\r\nc"], expected: ["a", "b", "c"] },
    { name: "a line split across chunks is joined", chunks: ["hel", "lo\nwor", "ld\n"], expected: ["hello", "world"] },
    { name: "empty lines are kept", chunks: ["a\n\nb\n"], expected: ["a", "", "b"] },
    { name: "a lone CR inside a line is kept", chunks: ["50%\r100%\n"], expected: ["50%\r100%"] },
  ])("$name", ({ chunks, expected }) => {
    expect(split(chunks.map((c) => Buffer.from(c)))).toEqual(expected);
  });

  it("decodes a multi-byte character split between chunks", () => {
    const bytes = Buffer.from("Grüße\n");
    expect(split([bytes.subarray(0, 3), bytes.subarray(3)])).toEqual(["Grüße"]);
  });

  it("emits an endless line in 16 KB pieces without waiting for its end", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((t) => lines.push(t));
    splitter.push(Buffer.alloc(40_000, "x"));
    expect(lines.map((l) => l.length)).toEqual([16384, 16384]);
  });
});

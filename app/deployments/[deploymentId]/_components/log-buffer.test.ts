import { describe, expect, it } from "vitest";
import { LogBuffer, type ViewerLogLine } from "./log-buffer";

const line = (seq: number): ViewerLogLine => ({ seq, eventName: "AfterInstall", at: seq, stream: "stdout", text: `line ${seq}` });
const lines = (...seqs: number[]) => seqs.map(line);
const seqsOf = (b: LogBuffer) => b.lines.map((l) => l.seq);

describe("a target's log in the browser", () => {
  it("keeps live lines that arrive during a fetch until the stored lines below them are in", () => {
    const b = new LogBuffer();
    b.beginFetch();
    expect(b.receiveLive(lines(7, 8))).toBe(false);
    b.appendStored(lines(1, 2, 3, 4, 5, 6));
    b.endFetch();
    expect(seqsOf(b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("shows each line once when the fetch and the live room both deliver it", () => {
    const b = new LogBuffer();
    b.beginFetch();
    b.receiveLive(lines(4, 5, 6));
    b.appendStored(lines(1, 2, 3, 4, 5));
    b.endFetch();
    b.receiveLive(lines(6, 7));
    expect(seqsOf(b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("catches up after a reconnect from the last line seen, losing nothing", () => {
    const b = new LogBuffer();
    b.receiveLive(lines(1, 2, 3));
    // Lines 4..6 were written while the socket was down; the catch-up fetch asks for afterSeq = 3.
    expect(b.lastSeq).toBe(3);
    b.beginFetch();
    b.receiveLive(lines(7));
    b.appendStored(lines(4, 5, 6));
    b.endFetch();
    expect(seqsOf(b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("orders a live batch that arrives shuffled", () => {
    const b = new LogBuffer();
    b.receiveLive(lines(3, 1, 2));
    expect(seqsOf(b)).toEqual([1, 2, 3]);
  });

  it("reports whether anything new arrived, so the view re-renders only then", () => {
    const b = new LogBuffer();
    expect(b.receiveLive(lines(1))).toBe(true);
    expect(b.receiveLive(lines(1))).toBe(false);
  });
});

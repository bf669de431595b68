import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { logLineSchema, type LogLine } from "../server/contracts/agent-protocol";

/**
 * The log half of the journal, under <state>/logs and <state>/seq.json:
 *   logs/<seq>.jsonl    segments of JSON lines named after their first seq; deleted once acknowledged
 *   seq.json            highest seq ever handed out, so seqs survive the deletion of every segment
 * Every line is on disk before anyone sees it. The newest lines are also kept in a small memory tail, so
 * sending them does not read them back; older ones (after a restart or a long outage) come from disk.
 */

export const MAX_LINE_LENGTH = 16384;
const SEGMENT_BYTES = 4 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
/** The memory tail keeps at most this many lines and characters (after trimming). */
const RECENT_LINES = 2000;
const RECENT_CHARS = 1024 * 1024;

/** Splits text into pieces of at most MAX_LINE_LENGTH UTF-16 units without cutting a surrogate pair. */
export function splitLongLine(text: string, max = MAX_LINE_LENGTH): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + max, text.length);
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1])) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

/** Reads a JSON-lines file, cutting off a torn final line; returns the complete lines. */
export function readLinesRepairingTail(file: string): string[] {
  let content: string;
  try {
    content = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const lastNewline = content.lastIndexOf("\n");
  const complete = content.slice(0, lastNewline + 1);
  if (complete.length !== content.length) fs.truncateSync(file, Buffer.byteLength(complete));
  return complete.split("\n").filter((l) => l.length > 0);
}

export function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

type Segment = { firstSeq: number; file: string };

export class LogJournal {
  private segments: Segment[] = [];
  private segmentFd: number | null = null;
  private segmentBytes = 0;
  private highestSeq = 0;
  private cursor: { firstSeq: number; offset: number; nextSeq: number } | null = null;
  private readonly appendListeners = new Set<(line: LogLine) => void>();
  /** The newest lines appended by this process, in seq order (a contiguous suffix of the journal). */
  private recent: LogLine[] = [];
  private recentChars = 0;

  constructor(
    private readonly stateDir: string,
    private readonly maxSegmentBytes = SEGMENT_BYTES,
  ) {
    fs.mkdirSync(this.logsDir, { recursive: true, mode: 0o700 });
    this.loadSegments();
  }

  private get logsDir() {
    return path.join(this.stateDir, "logs");
  }
  private get seqFile() {
    return path.join(this.stateDir, "seq.json");
  }

  close(): void {
    if (this.segmentFd !== null) fs.closeSync(this.segmentFd);
    this.segmentFd = null;
  }

  /** Highest seq written (0 when none). */
  get lastSeq(): number {
    return this.highestSeq;
  }

  onAppend(listener: (line: LogLine) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Appends one output line (split when longer than 16 KB); returns the written lines. */
  appendLine(commandId: string, stream: LogLine["stream"], text: string, at = Date.now()): LogLine[] {
    const written: LogLine[] = [];
    for (const piece of splitLongLine(text)) {
      const line: LogLine = { seq: this.highestSeq + 1, commandId, at, stream, text: piece };
      this.writeLogLine(line);
      this.remember(line);
      written.push(line);
    }
    for (const line of written) for (const listener of this.appendListeners) listener(line);
    return written;
  }

  /** Lines with seq > afterSeq, in order, at most `max`: from the memory tail when it reaches back that far, else from disk. */
  readAfter(afterSeq: number, max: number): LogLine[] {
    const out: LogLine[] = [];
    if (this.segments.length === 0 || afterSeq >= this.highestSeq) return out;
    const recent = this.recent;
    if (recent.length > 0 && recent[0].seq <= afterSeq + 1) {
      let low = 0;
      let high = recent.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (recent[mid].seq <= afterSeq) low = mid + 1;
        else high = mid;
      }
      return recent.slice(low, low + max);
    }
    let index = this.findSegmentIndex(afterSeq + 1);
    let offset = 0;
    const cursor = this.cursor;
    if (cursor && cursor.nextSeq === afterSeq + 1) {
      const at = this.segments.findIndex((s) => s.firstSeq === cursor.firstSeq);
      if (at >= 0) {
        index = at;
        offset = cursor.offset;
      }
    }
    // Only the bytesRead prefix is ever looked at, so the buffer need not be zeroed.
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    while (out.length < max && index < this.segments.length) {
      const segment = this.segments[index];
      const fd = fs.openSync(segment.file, "r");
      let atEnd = false;
      try {
        while (out.length < max && !atEnd) {
          const bytesRead = fs.readSync(fd, buffer, 0, buffer.length, offset);
          let start = 0;
          let newline = buffer.indexOf(10, start);
          while (newline !== -1 && newline < bytesRead && out.length < max) {
            const parsed = logLineSchema.safeParse(parseJson(buffer.toString("utf8", start, newline)));
            start = newline + 1;
            if (parsed.success && parsed.data.seq > afterSeq) {
              out.push(parsed.data);
              this.cursor = { firstSeq: segment.firstSeq, offset: offset + start, nextSeq: parsed.data.seq + 1 };
            }
            newline = buffer.indexOf(10, start);
          }
          offset += start;
          atEnd = start === 0 || bytesRead < buffer.length;
        }
      } finally {
        fs.closeSync(fd);
      }
      if (out.length >= max) break;
      index++;
      offset = 0;
    }
    return out;
  }

  /** The server stored every line up to ackedSeq: delete segments that hold nothing newer. */
  acknowledgeLogs(ackedSeq: number): void {
    const deletable: Segment[] = [];
    for (let i = 0; i < this.segments.length - 1; i++) {
      if (this.segments[i + 1].firstSeq - 1 <= ackedSeq) deletable.push(this.segments[i]);
    }
    if (deletable.length === 0) return;
    this.writeSeqFile();
    for (const segment of deletable) fs.rmSync(segment.file, { force: true });
    this.segments = this.segments.filter((s) => !deletable.includes(s));
    if (this.cursor && !this.segments.some((s) => s.firstSeq === this.cursor!.firstSeq)) this.cursor = null;
  }

  private remember(line: LogLine): void {
    this.recent.push(line);
    this.recentChars += line.text.length;
    if (this.recent.length <= 2 * RECENT_LINES && this.recentChars <= 2 * RECENT_CHARS) return;
    let drop = 0;
    while (drop < this.recent.length - 1 && (this.recent.length - drop > RECENT_LINES || this.recentChars > RECENT_CHARS)) {
      this.recentChars -= this.recent[drop].text.length;
      drop++;
    }
    this.recent = this.recent.slice(drop);
  }

  private findSegmentIndex(seq: number): number {
    let index = 0;
    for (let i = 0; i < this.segments.length; i++) if (this.segments[i].firstSeq <= seq) index = i;
    return index;
  }

  private writeLogLine(line: LogLine): void {
    if (this.segmentFd === null || this.segmentBytes >= this.maxSegmentBytes) this.startSegment(line.seq);
    const data = JSON.stringify(line) + "\n";
    fs.writeSync(this.segmentFd!, data);
    this.segmentBytes += Buffer.byteLength(data);
    this.highestSeq = line.seq;
  }

  private startSegment(firstSeq: number): void {
    if (this.segmentFd !== null) fs.closeSync(this.segmentFd);
    const file = path.join(this.logsDir, `${String(firstSeq).padStart(16, "0")}.jsonl`);
    this.segmentFd = fs.openSync(file, "a", 0o600);
    this.segmentBytes = 0;
    this.segments.push({ firstSeq, file });
  }

  private writeSeqFile(): void {
    const tmp = `${this.seqFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ highestSeq: this.highestSeq }), { mode: 0o600 });
    fs.renameSync(tmp, this.seqFile);
  }

  private loadSegments(): void {
    const seqRecord = z.object({ highestSeq: z.number().int().nonnegative() }).safeParse(parseJson(readTextOrEmpty(this.seqFile)));
    this.highestSeq = seqRecord.success ? seqRecord.data.highestSeq : 0;
    this.segments = fs
      .readdirSync(this.logsDir)
      .filter((name) => /^\d+\.jsonl$/.test(name))
      .map((name) => ({ firstSeq: Number(name.slice(0, -".jsonl".length)), file: path.join(this.logsDir, name) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
    const newest = this.segments.at(-1);
    if (!newest) return;
    const lines = readLinesRepairingTail(newest.file);
    for (let i = lines.length - 1; i >= 0; i--) {
      const parsed = logLineSchema.safeParse(parseJson(lines[i]));
      if (parsed.success) {
        this.highestSeq = Math.max(this.highestSeq, parsed.data.seq);
        break;
      }
    }
    this.highestSeq = Math.max(this.highestSeq, newest.firstSeq - 1);
    // Appending continues in the newest segment; its size decides when to rotate.
    this.segmentFd = fs.openSync(newest.file, "a", 0o600);
    this.segmentBytes = fs.fstatSync(this.segmentFd).size;
  }
}

function readTextOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

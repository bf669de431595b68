import type { LiveLogLine } from "@/server/contracts/live-updates";

/** A log line as the viewer keeps it: one target's, so without the target id. */
export type ViewerLogLine = Omit<LiveLogLine, "targetId">;

/**
 * One target's log lines in seq order, each once. Stored pages and live lines race: a live line may arrive
 * before the stored lines below it, so while a fetch runs live lines are held and merged after it.
 */
export class LogBuffer {
  /** Grows in place; callers re-render on the boolean the mutators return. */
  readonly lines: ViewerLogLine[] = [];
  private held: ViewerLogLine[] = [];
  private fetching = false;

  get lastSeq(): number {
    return this.lines.length > 0 ? this.lines[this.lines.length - 1].seq : 0;
  }

  get isFetching(): boolean {
    return this.fetching;
  }

  /** Stored lines from a page fetched with afterSeq = lastSeq. */
  appendStored(page: ViewerLogLine[]): boolean {
    return this.append(page);
  }

  /** Live lines: applied now, or held while a fetch is running. */
  receiveLive(lines: ViewerLogLine[]): boolean {
    if (this.fetching) {
      this.held.push(...lines);
      return false;
    }
    return this.append([...lines].sort((a, b) => a.seq - b.seq));
  }

  beginFetch(): void {
    this.fetching = true;
  }

  /** Ends a fetch and merges what arrived live meanwhile. */
  endFetch(): boolean {
    this.fetching = false;
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    return this.append(held);
  }

  private append(lines: ViewerLogLine[]): boolean {
    let added = false;
    for (const l of lines) {
      if (l.seq <= this.lastSeq) continue;
      this.lines.push(l);
      added = true;
    }
    return added;
  }
}

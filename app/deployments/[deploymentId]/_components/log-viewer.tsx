"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { inPlaceLifecycleEvents } from "@/server/contracts/deployment";
import { Button } from "../../../_components/button";
import { AlertIcon, ArrowDownIcon, ChevronDownIcon, ChevronUpIcon, DownloadIcon, SpinnerIcon, TerminalIcon } from "../../../_components/icons";
import { ErrorState } from "../../../_components/states";
import { formatTime } from "../../../_lib/format";
import { useTRPCClient } from "../../../_lib/trpc";
import { AnsiText } from "./ansi-text";
import { downloadLog } from "./download-log";
import { GrowingScan } from "./growing-scan";
import { useTargetLog, type ViewerLogLine } from "./use-target-log";

const ROW = 20;
const NO_MATCHES: readonly number[] = [];
const ERROR_PATTERN = /\b(error|fatal|exception|failed|failure|panic|traceback)\b/i;

function isErrorLine(l: ViewerLogLine): boolean {
  return l.stream === "stderr" || ERROR_PATTERN.test(l.text);
}

type Props = { deploymentId: string; targetId: string; hostName: string; eventFilter: string; onEventFilter: (e: string) => void; running: boolean };

export function LogViewer({ deploymentId, targetId, hostName, eventFilter, onEventFilter, running }: Props) {
  const client = useTRPCClient();
  const log = useTargetLog(deploymentId, targetId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const lastScrollTop = useRef(0);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  const [matchIndex, setMatchIndex] = useState(0);
  const [flash, setFlash] = useState<number | null>(null);
  const [timestamps, setTimestamps] = useState(false);
  const [downloading, setDownloading] = useState(false);

  const { lines, version } = log;
  // `lines` grows in place; `version` marks each growth.
  const shown = useMemo(() => (eventFilter ? lines.filter((l) => l.eventName === eventFilter) : lines.slice()), [lines, version, eventFilter]);
  const q = query.trim().toLowerCase();
  // Scanned once per line, not per render: a render per scrolled frame must not walk 100,000 lines.
  const errorScan = useMemo(() => new GrowingScan(isErrorLine), [lines, eventFilter]);
  const matchScan = useMemo(() => new GrowingScan((l: ViewerLogLine) => l.text.toLowerCase().includes(q)), [lines, eventFilter, q]);
  const matches = q ? matchScan.matchesIn(shown) : NO_MATCHES;
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const currentMatch = matches.length > 0 ? matches[Math.min(matchIndex, matches.length - 1)] : -1;

  // Wide enough for the largest line number, so line 100,000 does not run into the event name.
  const gutter = `max(3rem, calc(${String(shown.length).length + 1}ch + 0.5rem))`;
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 30 });

  useEffect(() => {
    if (follow && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: "end" });
  }, [follow, shown.length, virtualizer]);

  useEffect(() => {
    setMatchIndex(0);
  }, [q]);

  const jumpTo = (index: number) => {
    if (index < 0) return;
    setFollow(false);
    setFlash(index);
    virtualizer.scrollToIndex(index, { align: "center" });
  };
  const step = (delta: number) => {
    if (matches.length === 0) return;
    const next = (Math.min(matchIndex, matches.length - 1) + delta + matches.length) % matches.length;
    setMatchIndex(next);
    jumpTo(matches[next]);
  };
  const firstError = errorScan.matchesIn(shown)[0] ?? -1;
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (el.scrollTop < lastScrollTop.current - 2 && !atBottom) setFollow(false);
    else if (atBottom && !follow) setFollow(true);
    lastScrollTop.current = el.scrollTop;
  };
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    }
    if (e.key === "Escape") setQuery("");
  };
  const download = async () => {
    setDownloading(true);
    try {
      await downloadLog(client, deploymentId, targetId, `${deploymentId}-${hostName}.log`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className="flex min-h-0 flex-col overflow-hidden rounded-lg border border-border bg-log-bg">
      <div className="flex flex-wrap items-center gap-2 border-b border-border bg-surface px-2 py-1.5">
        <select
          aria-label="Lifecycle event"
          value={eventFilter}
          onChange={(e) => onEventFilter(e.target.value)}
          className="h-7 rounded-md border border-border-strong bg-surface px-1.5 text-xs"
        >
          <option value="">All events</option>
          {inPlaceLifecycleEvents.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
        <div className="flex items-center gap-1">
          <input
            type="search"
            aria-label="Search the log"
            placeholder="Search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onSearchKey}
            className="h-7 w-36 rounded-md border border-border-strong bg-surface px-2 text-xs sm:w-48"
          />
          {q ? (
            <>
              <span className="min-w-14 text-center text-[11px] tabular-nums text-muted" aria-live="polite">
                {matches.length === 0 ? "no match" : `${Math.min(matchIndex, matches.length - 1) + 1} / ${matches.length}`}
              </span>
              <button
                type="button"
                className="rounded p-1 text-muted hover:bg-surface-2 hover:text-fg disabled:opacity-40"
                onClick={() => step(-1)}
                disabled={!matches.length}
                aria-label="Previous match"
              >
                <ChevronUpIcon size={14} />
              </button>
              <button
                type="button"
                className="rounded p-1 text-muted hover:bg-surface-2 hover:text-fg disabled:opacity-40"
                onClick={() => step(1)}
                disabled={!matches.length}
                aria-label="Next match"
              >
                <ChevronDownIcon size={14} />
              </button>
            </>
          ) : null}
        </div>
        <Button size="sm" variant="ghost" icon={<AlertIcon size={12} />} onClick={() => jumpTo(firstError)} disabled={firstError < 0}>
          First error
        </Button>
        <div className="flex-1" />
        <label className="flex items-center gap-1 text-xs text-muted">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} className="accent-[var(--accent)]" />
          Times
        </label>
        <Button
          size="sm"
          variant={follow ? "secondary" : "ghost"}
          icon={<ArrowDownIcon size={12} />}
          onClick={() => setFollow((f) => !f)}
          aria-pressed={follow}
        >
          Follow
        </Button>
        <Button size="sm" variant="ghost" icon={<DownloadIcon size={12} />} onClick={download} pending={downloading}>
          Download
        </Button>
      </div>
      {log.error && shown.length === 0 ? (
        <div className="p-3">
          <ErrorState error={log.error} title="Could not load the log" onRetry={log.retry} />
        </div>
      ) : null}
      <div
        ref={scrollRef}
        onScroll={onScroll}
        tabIndex={0}
        role="region"
        aria-label={`Log of ${hostName}${eventFilter ? `, ${eventFilter}` : ""}`}
        className="relative h-[min(60vh,560px)] min-h-64 overflow-auto font-mono text-[12px] leading-5 text-log-fg"
        data-testid="log-view"
      >
        {shown.length === 0 && !log.error ? (
          <div className="flex h-full flex-col items-center justify-center gap-2 text-xs text-muted">
            {log.loading ? (
              <>
                <SpinnerIcon className="animate-spin" /> Loading log…
              </>
            ) : (
              <>
                <TerminalIcon size={20} className="text-faint" />
                {running ? "Waiting for output…" : eventFilter ? `No output from ${eventFilter}.` : "This host wrote no output."}
              </>
            )}
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), minWidth: "100%" }} className="relative w-max">
            {virtualizer.getVirtualItems().map((item) => {
              const l = shown[item.index];
              const isMatch = matchSet.has(item.index);
              return (
                <div
                  key={l.seq}
                  data-seq={l.seq}
                  className={`absolute left-0 flex w-full whitespace-pre pr-4 ${item.index === currentMatch || item.index === flash ? "bg-highlight" : isMatch ? "bg-highlight/40" : "hover:bg-surface-2/60"} ${l.stream === "stderr" ? "border-l-2 border-fail/70" : "border-l-2 border-transparent"}`}
                  style={{ top: item.start, height: ROW }}
                >
                  <span className="sticky left-0 shrink-0 select-none bg-log-bg pr-2 text-right text-faint" style={{ width: gutter }}>
                    {item.index + 1}
                  </span>
                  {timestamps ? <span className="shrink-0 select-none pr-2 text-faint">{formatTime(l.at)}</span> : null}
                  {/* On a phone the event column would take 40% of the width; the event picker above names the event instead. */}
                  {!eventFilter ? <span className="hidden w-[8.5rem] shrink-0 select-none truncate pr-2 text-faint sm:inline">{l.eventName}</span> : null}
                  <span className={l.stream === "system" ? "italic text-muted" : ""}>
                    <AnsiText text={l.text} />
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      <div className="flex items-center justify-between border-t border-border bg-surface px-2 py-1 text-[11px] text-muted">
        <span className="tabular-nums">
          {shown.length.toLocaleString()} line{shown.length === 1 ? "" : "s"}
          {eventFilter ? ` in ${eventFilter}` : ""}
        </span>
        <span>{log.loading ? "Loading…" : running ? (follow ? "Streaming · following" : "Streaming") : log.complete ? "Complete" : "Up to date"}</span>
      </div>
    </div>
  );
}

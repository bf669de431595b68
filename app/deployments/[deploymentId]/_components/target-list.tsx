"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { DeploymentStatus, DeploymentTargetInfo, TargetStatus } from "@/server/contracts/deployment";
import { StatusIcon, statusLabel } from "../../../_components/status-badge";
import { describeTargetState } from "./target-state";

const ROW = 44;
type Filter = "all" | TargetStatus;

/** Every host of the deployment in one virtualized list; arrow keys move the selection. */
export function TargetList({
  targets,
  deploymentStatus,
  selectedId,
  onSelect,
}: {
  targets: DeploymentTargetInfo[];
  deploymentStatus: DeploymentStatus;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const scrollRef = useRef<HTMLDivElement>(null);
  const counts = useMemo(() => {
    const c: Partial<Record<TargetStatus, number>> = {};
    for (const t of targets) c[t.status] = (c[t.status] ?? 0) + 1;
    return c;
  }, [targets]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return targets.filter((t) => (filter === "all" || t.status === filter) && (!q || t.hostName.toLowerCase().includes(q)));
  }, [targets, filter, search]);
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });
  const selectedIndex = shown.findIndex((t) => t.targetId === selectedId);

  const indexRef = useRef(selectedIndex);
  indexRef.current = selectedIndex;
  // Scrolls only when the selection changes, not on every status update that reorders nothing.
  useEffect(() => {
    if (indexRef.current >= 0) virtualizer.scrollToIndex(indexRef.current, { align: "auto" });
  }, [selectedId, virtualizer]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    if (shown.length === 0) return;
    let next = selectedIndex < 0 ? 0 : selectedIndex;
    if (e.key === "ArrowDown") next = Math.min(shown.length - 1, next + 1);
    if (e.key === "ArrowUp") next = Math.max(0, next - 1);
    if (e.key === "Home") next = 0;
    if (e.key === "End") next = shown.length - 1;
    onSelect(shown[next].targetId);
  };

  const filters: Filter[] = ["all", "Failed", "InProgress", "Pending", "Succeeded", "Skipped"];
  return (
    <div className="flex min-h-0 flex-col overflow-hidden rounded-lg border border-border bg-surface">
      <div className="space-y-2 border-b border-border p-2">
        <input
          type="search"
          aria-label="Find a host"
          placeholder={targets.length === 1 ? "Find a host" : `Find among ${targets.length.toLocaleString()} hosts`}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="h-7 w-full rounded-md border border-border-strong bg-surface px-2 text-xs"
        />
        <div role="group" aria-label="Filter hosts by status" className="flex flex-wrap gap-1">
          {filters
            .filter((f) => f === "all" || (counts[f] ?? 0) > 0)
            .map((f) => (
              <button
                key={f}
                type="button"
                aria-pressed={filter === f}
                onClick={() => setFilter(f)}
                className={`inline-flex items-center gap-1 rounded-full border px-2 py-px text-[11px] ${filter === f ? "border-fg bg-fg text-bg" : "border-border text-muted hover:text-fg"}`}
              >
                {f === "all" ? `All ${targets.length}` : `${statusLabel(f)} ${counts[f]}`}
              </button>
            ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="listbox"
        aria-label="Hosts in this deployment"
        aria-activedescendant={selectedId ? `target-${selectedId}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        className="min-h-40 flex-1 overflow-y-auto focus-visible:outline-offset-[-2px]"
        data-testid="target-list"
      >
        {shown.length === 0 ? (
          <p className="p-4 text-center text-xs text-muted">No host matches.</p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize() }} className="relative">
            {virtualizer.getVirtualItems().map((item) => {
              const t = shown[item.index];
              const selected = t.targetId === selectedId;
              const state = describeTargetState(t, deploymentStatus);
              const failed = state.shown === "Failed" || state.shown === "Unknown";
              return (
                <div
                  key={t.targetId}
                  id={`target-${t.targetId}`}
                  role="option"
                  aria-selected={selected}
                  onClick={() => onSelect(t.targetId)}
                  className={`absolute left-0 flex w-full cursor-pointer items-center gap-2.5 border-l-2 px-3 ${selected ? "border-accent bg-accent/8" : "border-transparent hover:bg-surface-2/70"}`}
                  style={{ top: item.start, height: ROW }}
                >
                  <StatusIcon status={state.shown} />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-mono text-xs font-medium">{t.hostName}</span>
                    <span className={`block truncate text-[11px] ${failed ? "text-fail" : "text-muted"}`}>{state.detail}</span>
                  </span>
                  {!t.online ? <span className="shrink-0 rounded border border-idle/40 px-1 text-[10px] text-idle">offline</span> : null}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

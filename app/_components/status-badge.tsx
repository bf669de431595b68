import type { ReactNode } from "react";
import { CheckCircleIcon, CircleIcon, ClockIcon, HelpIcon, SkipIcon, SpinnerIcon, StopIcon, XCircleIcon } from "./icons";

export type StatusTone = "ok" | "fail" | "run" | "warn" | "skip" | "idle";

const toneText: Record<StatusTone, string> = {
  ok: "text-ok",
  fail: "text-fail",
  run: "text-run",
  warn: "text-warn",
  skip: "text-skip",
  idle: "text-idle",
};
const toneBg: Record<StatusTone, string> = {
  ok: "bg-ok/10 border-ok/30",
  fail: "bg-fail/10 border-fail/30",
  run: "bg-run/10 border-run/30",
  warn: "bg-warn/10 border-warn/30",
  skip: "bg-skip/10 border-skip/30",
  idle: "bg-idle/10 border-idle/25",
};

/** Tone and icon for every status word Landline uses (deployments, targets, lifecycle events). */
export function statusTone(status: string): StatusTone {
  switch (status) {
    case "Succeeded":
    case "Online":
      return "ok";
    case "Failed":
      return "fail";
    case "InProgress":
    case "Queued":
    case "Created":
      return "run";
    case "Scheduled":
    case "Unknown":
      return "warn";
    case "Skipped":
      return "skip";
    default:
      return "idle";
  }
}

export function StatusIcon({ status, size = 14 }: { status: string; size?: number }) {
  const cls = toneText[statusTone(status)];
  switch (status) {
    case "Succeeded":
      return <CheckCircleIcon size={size} className={cls} />;
    case "Failed":
      return <XCircleIcon size={size} className={cls} />;
    case "InProgress":
      return <SpinnerIcon size={size} className={`${cls} animate-spin`} />;
    case "Queued":
    case "Created":
    case "Scheduled":
      return <ClockIcon size={size} className={cls} />;
    case "Stopped":
      return <StopIcon size={size} className={cls} />;
    case "Skipped":
      return <SkipIcon size={size} className={cls} />;
    case "Unknown":
      return <HelpIcon size={size} className={cls} />;
    default:
      return <CircleIcon size={size} className={cls} />;
  }
}

const labels: Record<string, string> = { InProgress: "In progress" };

export function statusLabel(status: string): string {
  return labels[status] ?? status;
}

export function StatusBadge({ status, children, size = "md" }: { status: string; children?: ReactNode; size?: "sm" | "md" }) {
  const tone = statusTone(status);
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full border font-medium ${toneBg[tone]} ${toneText[tone]} ${size === "sm" ? "px-1.5 py-px text-[11px]" : "px-2 py-0.5 text-xs"}`}
      data-status={status}
    >
      <StatusIcon status={status} size={size === "sm" ? 11 : 13} />
      {children ?? statusLabel(status)}
    </span>
  );
}

export function OnlineBadge({ online }: { online: boolean }) {
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${online ? "text-ok" : "text-idle"}`}>
      <span className={`inline-block h-2 w-2 rounded-full ${online ? "bg-ok" : "border border-idle bg-transparent"}`} aria-hidden="true" />
      {online ? "Online" : "Offline"}
    </span>
  );
}

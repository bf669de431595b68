import type { DeploymentOverview } from "@/server/contracts/deployment";

const segments: { key: keyof DeploymentOverview; className: string; label: string }[] = [
  { key: "Succeeded", className: "bg-ok", label: "succeeded" },
  { key: "Failed", className: "bg-fail", label: "failed" },
  { key: "Skipped", className: "bg-skip", label: "skipped" },
  { key: "InProgress", className: "bg-run animate-soft-pulse", label: "in progress" },
];

export function overviewTotal(o: DeploymentOverview): number {
  return o.Pending + o.InProgress + o.Succeeded + o.Failed + o.Skipped;
}

/** One bar split by target outcome; the remainder is pending. */
export function DeploymentProgress({ overview, size = "md" }: { overview: DeploymentOverview; size?: "sm" | "md" }) {
  const total = overviewTotal(overview);
  const done = overview.Succeeded + overview.Failed + overview.Skipped;
  const text = total === 0 ? "No hosts yet" : `${done} of ${total} hosts done: ${segments.map((s) => `${overview[s.key]} ${s.label}`).join(", ")}`;
  return (
    <div
      role="progressbar"
      aria-label="Deployment progress"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={text}
      title={text}
      className={`flex w-full overflow-hidden rounded-full bg-surface-2 ${size === "sm" ? "h-1.5" : "h-2.5"}`}
    >
      {total > 0
        ? segments.map((s) =>
            overview[s.key] > 0 ? <div key={s.key} className={`${s.className} h-full`} style={{ width: `${(overview[s.key] / total) * 100}%` }} /> : null,
          )
        : null}
    </div>
  );
}

export function UploadProgress({ fraction, label }: { fraction: number; label: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div className="space-y-1">
      <div className="flex justify-between text-xs text-muted">
        <span>{label}</span>
        <span className="tabular-nums">{pct}%</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2 w-full overflow-hidden rounded-full bg-surface-2"
      >
        <div className="h-full bg-accent transition-[width] duration-150" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

import { formatDateTime } from "../../_lib/format";

/** Times in details are epoch ms under keys like expiresAt. */
function show(value: unknown, key = ""): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number" && key.endsWith("At") && value > 1e12) return formatDateTime(value);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Extra facts of an audit entry as key: value pairs. */
export function AuditDetails({ details }: { details: Record<string, unknown> | null }) {
  const entries = Object.entries(details ?? {});
  if (entries.length === 0) return <span className="text-xs text-faint">—</span>;
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-0.5 text-[11px]">
      {entries.map(([k, v]) => (
        <div key={k} className="flex min-w-0 gap-1">
          <dt className="text-muted">{k}</dt>
          <dd className="truncate font-mono text-fg" title={show(v, k)}>
            {show(v, k)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

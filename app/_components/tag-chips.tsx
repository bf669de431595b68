import type { HostTag } from "@/server/contracts/resources";

export function TagChips({ tags, empty = "No tags", max }: { tags: HostTag[]; empty?: string; max?: number }) {
  if (tags.length === 0) return <span className="text-xs text-faint">{empty}</span>;
  const shown = max ? tags.slice(0, max) : tags;
  return (
    <span className="inline-flex flex-wrap gap-1">
      {shown.map((t) => (
        <span
          key={`${t.key}=${t.value}`}
          className="inline-flex items-center rounded border border-border bg-surface-2 px-1.5 py-px font-mono text-[11px] text-fg"
        >
          <span className="text-muted">{t.key}</span>
          {t.value ? (
            <>
              <span className="text-faint">=</span>
              {t.value}
            </>
          ) : null}
        </span>
      ))}
      {max && tags.length > max ? <span className="text-[11px] text-faint">+{tags.length - max}</span> : null}
    </span>
  );
}

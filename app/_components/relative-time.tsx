"use client";

import { formatDateTime, formatRelative } from "../_lib/format";
import { useNow } from "../_lib/use-now";

export function RelativeTime({ at, className = "" }: { at: number | null | undefined; className?: string }) {
  const now = useNow(30_000);
  if (!at) return <span className={className}>—</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={formatDateTime(at)} className={className} suppressHydrationWarning>
      {formatRelative(at, now)}
    </time>
  );
}

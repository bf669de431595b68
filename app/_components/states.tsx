import type { ReactNode } from "react";
import { errorCode, errorMessage } from "../_lib/errors";
import { Button } from "./button";
import { AlertIcon, SpinnerIcon } from "./icons";

export function EmptyState({ icon, title, children, action }: { icon?: ReactNode; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed border-border-strong px-6 py-10 text-center">
      {icon ? <div className="text-faint">{icon}</div> : null}
      <p className="text-sm font-medium text-fg">{title}</p>
      {children ? <div className="max-w-md text-sm text-muted">{children}</div> : null}
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = "Could not load this" }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg border border-fail/30 bg-fail/5 px-4 py-3">
      <AlertIcon className="mt-0.5 shrink-0 text-fail" />
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-fg">{title}</p>
        <p className="text-sm text-muted">{errorMessage(error)}</p>
      </div>
      {onRetry && errorCode(error) !== "NOT_FOUND" ? (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="flex items-center gap-1.5 rounded-md border border-fail/30 bg-fail/5 px-3 py-2 text-sm text-fail">
      <AlertIcon size={14} className="shrink-0" />
      <span>{typeof error === "string" ? error : errorMessage(error)}</span>
    </p>
  );
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-muted">
      <SpinnerIcon className="animate-spin" />
      {label}…
    </span>
  );
}

export function Skeleton({ className = "" }: { className?: string }) {
  return <span className={`animate-soft-pulse block rounded bg-surface-2 ${className}`} aria-hidden="true" />;
}

export function LoadingRows({ rows = 4, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div className="space-y-2" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}

"use client";

import { useEffect, useRef } from "react";
import type { LifecycleEventInfo } from "@/server/contracts/deployment";
import { XCircleIcon } from "../../../_components/icons";
import { AnsiText } from "./ansi-text";

const explanations: Record<string, string> = {
  ScriptMissing: "The appspec names a script that is not in the bundle.",
  ScriptNotExecutable: "The script is not executable; set its mode (chmod +x) in the bundle or add a runas/permissions entry.",
  ScriptTimedOut: "The script ran past its timeout and was killed.",
  ScriptFailed: "The script exited with a non-zero status.",
  OutputsLeftOpen: "The script exited but a process it started kept its output open; redirect a background process's output.",
  AgentLost: "The agent stopped answering while this event ran.",
  FailedAfterRestart: "The agent restarted while this event ran.",
  Cancelled: "The deployment was stopped while this event ran.",
};

/** A failed event's error code, message and output tail, shown before the full log. */
export function FailureDiagnostics({ event }: { event: LifecycleEventInfo }) {
  const d = event.diagnostics;
  const tailRef = useRef<HTMLPreElement>(null);
  // The last lines say why it failed; start scrolled to them.
  useEffect(() => {
    if (tailRef.current) tailRef.current.scrollTop = tailRef.current.scrollHeight;
  }, [d?.logTail]);
  if (!d) return null;
  return (
    <section
      className="overflow-hidden rounded-lg border border-fail/40 bg-fail/5"
      aria-label={`${event.lifecycleEventName} failed`}
      data-testid="failure-diagnostics"
    >
      <div className="flex flex-wrap items-start gap-2 px-3 py-2.5">
        <XCircleIcon className="mt-0.5 shrink-0 text-fail" />
        <div className="min-w-0 flex-1">
          <p className="text-sm font-medium">
            {event.lifecycleEventName} failed: <span className="font-mono text-fail">{d.errorCode}</span>
            {d.scriptName ? (
              <span className="text-muted">
                {" "}
                in <span className="font-mono text-fg">{d.scriptName}</span>
              </span>
            ) : null}
          </p>
          {d.message ? <p className="mt-0.5 whitespace-pre-wrap text-sm text-fg">{d.message}</p> : null}
          {explanations[d.errorCode] ? <p className="mt-0.5 text-xs text-muted">{explanations[d.errorCode]}</p> : null}
        </div>
      </div>
      {d.logTail ? (
        <div className="border-t border-fail/20 bg-log-bg">
          <p className="px-3 pt-2 text-[11px] font-medium uppercase tracking-wide text-muted">Output tail</p>
          <pre
            ref={tailRef}
            tabIndex={0}
            aria-label="Output tail"
            className="max-h-56 overflow-auto px-3 pb-3 pt-1 font-mono text-[12px] leading-5 text-log-fg"
          >
            {d.logTail.split("\n").map((line, i) => (
              <div key={i}>
                <AnsiText text={line} />
              </div>
            ))}
          </pre>
        </div>
      ) : null}
    </section>
  );
}

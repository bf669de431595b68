"use client";

import { useLiveStatus } from "../_lib/live-socket";
import { WifiOffIcon } from "./icons";

/** Tells the user whether what they see is live; reconnection is automatic. */
export function LiveIndicator() {
  const status = useLiveStatus();
  if (status === "connected") {
    return (
      <span className="inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs text-muted" title="Live updates connected">
        <span className="h-1.5 w-1.5 rounded-full bg-ok" aria-hidden="true" />
        Live
      </span>
    );
  }
  return (
    <span role="status" className="inline-flex items-center gap-1.5 rounded-full border border-warn/40 bg-warn/10 px-2 py-0.5 text-xs text-warn">
      <WifiOffIcon size={12} />
      {status === "reconnecting" ? "Reconnecting…" : "Connecting…"}
    </span>
  );
}

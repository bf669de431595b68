import type { HostInfo } from "@/server/contracts/catalog";
import { AlertIcon } from "../../_components/icons";
import { RelativeTime } from "../../_components/relative-time";

/** Shown while a host's agent connections keep replacing each other: two agents are likely using its credential. */
export function ConnectionChurnWarning({ churn, compact = false }: { churn: NonNullable<HostInfo["connectionChurn"]>; compact?: boolean }) {
  if (compact) {
    return (
      <span
        className="inline-flex items-center gap-1 text-xs text-warn"
        title="This host's agent connections keep replacing each other: two agents are probably using its credential"
        data-testid="connection-churn"
      >
        <AlertIcon size={12} />
        Two agents?
      </span>
    );
  }
  return (
    <p
      role="status"
      className="mb-4 flex items-start gap-2 rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-sm text-warn"
      data-testid="connection-churn"
    >
      <AlertIcon size={14} className="mt-0.5 shrink-0" />
      <span>
        This host&apos;s agent connections keep replacing each other ({churn.replacements} times in a row, last <RelativeTime at={churn.lastReplacedAt} />
        ). Two agents are probably running with this host&apos;s credential, and both run every hook: stop the one that should not run, or give it its own root
        and enrollment.
      </span>
    </p>
  );
}

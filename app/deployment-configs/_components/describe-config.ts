import type { MinimumHealthyHosts } from "@/server/contracts/resources";

/** What the minimum-healthy-hosts rule means for a rollout, in words. */
export function describeMinimumHealthy(m: MinimumHealthyHosts): string {
  if (m.type === "MOST_CONCURRENCY") return "One host at a time";
  if (m.type === "HOST_COUNT") return `Keep at least ${m.value} host${m.value === 1 ? "" : "s"} healthy`;
  if (m.value === 0) return "All hosts at once";
  return `Keep at least ${m.value}% of hosts healthy`;
}

const seg = encodeURIComponent;

/** Every in-app address in one place, so names with reserved characters are always encoded. */
export const paths = {
  overview: "/",
  applications: "/applications",
  application: (applicationName: string) => `/applications/${seg(applicationName)}`,
  newGroup: (applicationName: string) => `/applications/${seg(applicationName)}/groups/new`,
  group: (applicationName: string, groupName: string) => `/applications/${seg(applicationName)}/groups/${seg(groupName)}`,
  deploy: (applicationName: string, groupName?: string, revisionId?: string) => {
    const q = new URLSearchParams();
    if (groupName) q.set("group", groupName);
    if (revisionId) q.set("revision", revisionId);
    const s = q.toString();
    return `/applications/${seg(applicationName)}/deploy${s ? `?${s}` : ""}`;
  },
  deployments: "/deployments",
  deployment: (deploymentId: string, targetId?: string) => `/deployments/${seg(deploymentId)}${targetId ? `?target=${seg(targetId)}` : ""}`,
  hosts: "/hosts",
  host: (hostName: string) => `/hosts/${seg(hostName)}`,
  deploymentConfigs: "/deployment-configs",
};

/** Route segments arrive percent-encoded in some cases; resource names never contain "%", so decoding is safe. */
export function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

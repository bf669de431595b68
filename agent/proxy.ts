import type { Agent } from "node:http";
import { HttpsProxyAgent } from "https-proxy-agent";
import { getProxyForUrl } from "proxy-from-env";

const agents = new Map<string, Agent>();

/**
 * The HTTP agent to reach `url`: a CONNECT tunnel through the proxy named by HTTPS_PROXY/HTTP_PROXY
 * (NO_PROXY honoured), or undefined for a direct connection. Used for the socket and for downloads.
 */
export function proxyAgentFor(url: string): Agent | undefined {
  const proxy = getProxyForUrl(url);
  if (!proxy) return undefined;
  let agent = agents.get(proxy);
  if (!agent) {
    agent = new HttpsProxyAgent(proxy, { keepAlive: true });
    agents.set(proxy, agent);
  }
  return agent;
}

/** The proxy URL in use for `url` without its credentials, for log lines; null when direct. */
export function describeProxyFor(url: string): string | null {
  const proxy = getProxyForUrl(url);
  if (!proxy) return null;
  try {
    const parsed = new URL(proxy);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(unparseable proxy URL)";
  }
}

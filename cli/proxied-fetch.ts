import { getProxyForUrl } from "proxy-from-env";
import { fetch as undiciFetch, ProxyAgent } from "undici";

/**
 * fetch for the CLI's API calls: through the proxy that HTTPS_PROXY/HTTP_PROXY name for the URL (NO_PROXY
 * honoured, as the agent and curl do), directly otherwise. Node's global fetch ignores these variables, and
 * CI runners behind a corporate proxy set them.
 */
export function proxiedFetch(): typeof globalThis.fetch {
  const agents = new Map<string, ProxyAgent>();
  return ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    const proxy = getProxyForUrl(url);
    if (!proxy) return globalThis.fetch(input, init);
    let dispatcher = agents.get(proxy);
    if (!dispatcher) agents.set(proxy, (dispatcher = new ProxyAgent(proxy)));
    return undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher });
  }) as typeof globalThis.fetch;
}

import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";
import type { Env } from "../env";

const trustOf = new WeakMap<Env, (address: string, hop: number) => boolean>();

/**
 * The address a request came from, for sign-in limits and the audit log. Without LANDLINE_TRUSTED_PROXIES it
 * is the socket's. Behind a reverse proxy every request would share the proxy's address, so one client's
 * failed sign-ins would lock out everyone; with the proxy listed, it is the nearest address in
 * X-Forwarded-For that is not a trusted proxy (a client cannot spoof past the proxy that appended its address).
 */
export function clientAddress(env: Env, req: IncomingMessage): string | null {
  if (env.LANDLINE_TRUSTED_PROXIES.length === 0) return req.socket.remoteAddress ?? null;
  let trust = trustOf.get(env);
  if (!trust) trustOf.set(env, (trust = proxyAddr.compile(env.LANDLINE_TRUSTED_PROXIES)));
  if (!req.socket.remoteAddress) return null;
  return proxyAddr(req, trust);
}

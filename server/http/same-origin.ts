import type { IncomingHttpHeaders } from "node:http";
import { parse as parseCookie } from "cookie";
import { SESSION_COOKIE } from "../auth/principal";
import type { Env } from "../env";

type Headers = Pick<IncomingHttpHeaders, "origin" | "host" | "sec-fetch-site" | "authorization" | "cookie">;

function isOwnOrigin(env: Env, origin: string, host: string | undefined): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost === host || originHost === new URL(env.publicUrl).host;
}

/**
 * "null" is an opaque origin: a sandboxed frame or data: page (hostile), or a page whose referrer policy is
 * no-referrer (Landline's own pages set none); Sec-Fetch-Site then tells which.
 */
function hasRealOrigin(headers: Headers): headers is Headers & { origin: string } {
  return headers.origin !== undefined && headers.origin !== "null";
}

/**
 * The request provably comes from Landline's own pages: its Origin is LANDLINE_PUBLIC_URL's or the request's own
 * host, or (no Origin) the browser says Sec-Fetch-Site: same-origin. Browsers send Origin on every POST.
 */
export function isSameOriginRequest(env: Env, headers: Headers): boolean {
  if (hasRealOrigin(headers)) return isOwnOrigin(env, headers.origin, headers.host);
  return headers["sec-fetch-site"] === "same-origin";
}

/** The request says it comes from another site (a foreign Origin, or Sec-Fetch-Site cross-site or same-site). */
export function hasForeignOrigin(env: Env, headers: Headers): boolean {
  if (hasRealOrigin(headers)) return !isOwnOrigin(env, headers.origin, headers.host);
  const site = headers["sec-fetch-site"];
  if (headers.origin === "null") return site !== "same-origin";
  return site === "cross-site" || site === "same-site";
}

/** The browser's session cookie, not a bearer token, would authenticate this request. */
export function isCookieAuthenticated(headers: Headers): boolean {
  if (headers.authorization) return false;
  return headers.cookie !== undefined && parseCookie(headers.cookie)[SESSION_COOKIE] !== undefined;
}

/**
 * Why a state-changing request must be refused as cross-site, or null. A session cookie rides along on any
 * request the browser makes, so a cookie-authenticated change must prove it comes from Landline's pages; a bearer
 * token is never sent by a browser on its own, so token requests are not checked.
 */
export function crossSiteRefusal(env: Env, headers: Headers): string | null {
  if (headers.authorization) return null;
  if (hasForeignOrigin(env, headers)) return `Requests from ${headers.origin ?? "another site"} are refused; use Landline's own pages or an API token`;
  if (isCookieAuthenticated(headers) && !isSameOriginRequest(env, headers)) {
    return "A request signed in with a session cookie must carry an Origin header of Landline's own address; scripts use an API token";
  }
  return null;
}

import { parse as parseCookie } from "cookie";
import type { Namespace, Server } from "socket.io";
import { resolvePrincipal, type Principal } from "../auth/principal";
import { BROWSER_NAMESPACE, type BrowserToServerEvents, type ServerToBrowserEvents } from "../contracts/live-updates";
import { hasRole } from "../contracts/resources";
import type { Deps } from "../deps";
import { hasForeignOrigin } from "../http/same-origin";
import type { LivePublisher } from "./live-publisher";
import type { RevokedConnections } from "./revoked-connections";

type BrowserSocketData = { principal: Principal; credential: { authorization: string | null; cookie: string | null } };
type BrowserNamespace = Namespace<BrowserToServerEvents, ServerToBrowserEvents, Record<string, never>, BrowserSocketData>;

/** fleet, deployment:<id> and logs:<targetId>; anything else is refused. */
const ROOM_PATTERN = /^(fleet|deployment:d-[A-Z0-9]{9}|logs:[A-Za-z0-9._-]{1,64})$/;

/**
 * The /live namespace: a session cookie (browsers) or handshake.auth.token as an API token (CLIs). Viewers and
 * above may join live rooms; the credential is checked again on every join, and endRevokedConnections ends the
 * sockets whose session or token no longer works (signed out, revoked, expired, user disabled or deleted).
 */
export function attachBrowserNamespace(io: Server, deps: Deps): LivePublisher & RevokedConnections {
  const nsp = io.of(BROWSER_NAMESPACE) as BrowserNamespace;

  nsp.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === "string" && auth.token.length > 0 ? auth.token : null;
    const cookie = token ? null : (socket.handshake.headers.cookie ?? null);
    if (cookie && hasForeignOrigin(deps.env, socket.handshake.headers)) return next(new Error("Cross-site connection refused"));
    const credential = { authorization: token ? `Bearer ${token}` : null, cookie };
    const principal = resolvePrincipal(deps.db, credential, deps.now(), parseCookie);
    if (!principal) return next(new Error("Sign in or send an API token"));
    if (!hasRole(principal.role, "viewer")) return next(new Error("This needs the viewer role"));
    socket.data.principal = principal;
    socket.data.credential = credential;
    next();
  });

  nsp.on("connection", (socket) => {
    socket.on("room:join", (room: unknown, rawAck: unknown) => {
      const ack = typeof rawAck === "function" ? (rawAck as (r: { ok: boolean; error?: string }) => void) : () => {};
      if (typeof room !== "string" || !ROOM_PATTERN.test(room)) return ack({ ok: false, error: "Unknown room" });
      const principal = resolvePrincipal(deps.db, socket.data.credential, deps.now(), parseCookie);
      if (!principal || !hasRole(principal.role, "viewer")) {
        ack({ ok: false, error: "Your session has ended; sign in again" });
        socket.disconnect(true);
        return;
      }
      void socket.join(room);
      ack({ ok: true });
    });
    socket.on("room:leave", (room: unknown) => {
      if (typeof room === "string") void socket.leave(room);
    });
  });

  return {
    publish(room, event, ...args) {
      nsp.to(room).emit(event, ...args);
    },
    endRevokedConnections() {
      for (const socket of nsp.sockets.values()) {
        const principal = resolvePrincipal(deps.db, socket.data.credential, deps.now(), parseCookie);
        if (principal && hasRole(principal.role, "viewer")) socket.data.principal = principal;
        else socket.disconnect(true);
      }
    },
  };
}

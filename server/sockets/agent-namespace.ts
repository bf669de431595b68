import type { Server } from "socket.io";
import type { Deps } from "../deps";

/** The /agent namespace: host-credential auth, hello/resume, command dispatch, results and logs. */
export function attachAgentNamespace(_io: Server, _deps: Deps): void {}

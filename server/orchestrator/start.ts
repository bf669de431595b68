import type { Server } from "socket.io";
import type { Deps } from "../deps";

/** Starts the deployment loop; returns a function that stops it. */
export function startOrchestrator(_deps: Deps, _io: Server): () => void {
  return () => {};
}

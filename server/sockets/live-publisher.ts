import type { ServerToBrowserEvents } from "../contracts/live-updates";

/** Sends live updates to browsers subscribed to a room. */
export interface LivePublisher {
  publish<E extends keyof ServerToBrowserEvents>(room: string, event: E, ...args: Parameters<ServerToBrowserEvents[E]>): void;
}

/** A publisher that drops everything; for tests that do not watch live updates. */
export const silentLivePublisher: LivePublisher = { publish() {} };

import type { LivePublisher } from "../orchestrator/ports";

/** A publisher that drops everything: for tests that do not watch live updates. */
export const silentLivePublisher: LivePublisher = { publish() {} };

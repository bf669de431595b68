import type { LifecycleEventName } from "../server/contracts/deployment";
import type { HostTag } from "../server/contracts/resources";

/** One simulated host: its name and the tags it enrolls with. */
export type SimHost = { name: string; tags: HostTag[] };

/** A host credential as enrollment returned it. */
export type SimCredential = { hostId: string; credential: string };

/** How simulated agents answer command:run: at once, or by streaming log lines during one event. */
export type SimMode = { kind: "instant" } | { kind: "logs"; streamEvent: LifecycleEventName };

/** Requests the bench sends a sim-agents worker over IPC; each is answered with a SimReply of the same id. */
export type SimRequest =
  | {
      type: "start";
      serverUrl: string;
      enrollToken: string;
      hosts: SimHost[];
      /** Credentials from earlier runs by host name; hosts without one enroll. The reply lists the new ones. */
      credentials: Record<string, SimCredential>;
      mode: SimMode;
    }
  /** Connects the first `count` hosts (the rest stay offline); resolves when all of them said hello. */
  | { type: "connect"; count: number; concurrency: number }
  | { type: "stats"; readySince?: number }
  | { type: "mode"; mode: SimMode }
  /** Streams log lines for `durationMs` in every host holding the stream event, then finishes the event. */
  | { type: "stream"; durationMs: number; batchLines: number; lineBytes: number }
  /** Every connected host downloads `url` (`{sha256}`-free, same for all) once, all at the same time. */
  | { type: "download"; url: string; withCredential: boolean }
  | { type: "stop" };

export type SimStats = {
  hosts: number;
  enrolled: number;
  /** Hosts whose agent:hello was acknowledged and that are connected now. */
  ready: number;
  /** Of those, how many said hello at or after `readySince`. */
  readySince: number;
  commandsReceived: number;
  resultsAcked: number;
  /** Hosts holding the stream event, waiting for "stream". */
  streamWaiting: number;
  streamsDone: number;
  linesSent: number;
  linesAcked: number;
  /** Epoch ms of the first log batch sent and of the last acknowledged. */
  streamStartedAt: number | null;
  streamLastAckAt: number | null;
  errors: number;
  /** The first few distinct error messages. */
  errorSamples: string[];
};

export type DownloadResult = { downloads: number; bytes: number; failures: number; startedAt: number; finishedAt: number };

export type SimReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

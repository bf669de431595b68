"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { liveRooms } from "@/server/contracts/live-updates";
import { useLiveEvent, useLiveRoom } from "../../../_lib/live-socket";
import { useTRPCClient } from "../../../_lib/trpc";
import { LogBuffer, type ViewerLogLine } from "./log-buffer";

export type { ViewerLogLine };

export type TargetLog = {
  /** All lines so far, oldest first; the same array instance grows, `version` says when. */
  lines: ViewerLogLine[];
  version: number;
  loading: boolean;
  error: unknown;
  /** The server has every line this target will ever have. */
  complete: boolean;
  retry: () => void;
};

const PAGE = 5000;

/**
 * The log of one target: the stored lines paged in, then live lines from the target's room.
 * After every (re)join the log catches up from the last seq seen, so a dropped connection loses nothing.
 */
export function useTargetLog(deploymentId: string, targetId: string | null): TargetLog {
  const client = useTRPCClient();
  const buffer = useRef(new LogBuffer());
  const again = useRef(false);
  const generation = useRef(0);
  const frame = useRef<number | null>(null);
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [complete, setComplete] = useState(false);

  const bump = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
    });
  }, []);

  const catchUp = useCallback(async () => {
    const log = buffer.current;
    if (!targetId) return;
    if (log.isFetching) {
      again.current = true;
      return;
    }
    const gen = generation.current;
    log.beginFetch();
    try {
      do {
        again.current = false;
        for (;;) {
          const page = await client.deployments.logs.query({ deploymentId, targetId, afterSeq: log.lastSeq, limit: PAGE });
          if (gen !== generation.current) return;
          if (log.appendStored(page.lines)) bump();
          if (page.lines.length < PAGE) {
            setComplete(page.complete);
            break;
          }
        }
      } while (again.current);
      setError(null);
    } catch (err) {
      if (gen === generation.current) setError(err);
    } finally {
      if (gen === generation.current) {
        if (log.endFetch()) bump();
        setLoading(false);
      }
    }
  }, [client, deploymentId, targetId, bump]);

  useEffect(() => {
    generation.current++;
    buffer.current = new LogBuffer();
    setLoading(true);
    setError(null);
    setComplete(false);
    setVersion((v) => v + 1);
    void catchUp();
    return () => {
      generation.current++;
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [catchUp]);

  // Every join, first or after a reconnect, closes the gap between the fetch and the room.
  useLiveRoom(targetId ? liveRooms.targetLogs(targetId) : null, () => void catchUp());

  useLiveEvent("log:lines", (u) => {
    if (u.targetId !== targetId) return;
    if (buffer.current.receiveLive(u.lines.map(({ seq, eventName, at, stream, text }) => ({ seq, eventName, at, stream, text })))) bump();
  });

  return { lines: buffer.current.lines, version, loading, error, complete, retry: () => void catchUp() };
}

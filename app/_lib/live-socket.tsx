"use client";

import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";
import { BROWSER_NAMESPACE, parseLiveUpdate, type BrowserToServerEvents, type LiveUpdates, type ServerToBrowserEvents } from "@/server/contracts/live-updates";

type LiveSocket = Socket<ServerToBrowserEvents, BrowserToServerEvents>;
export type LiveStatus = "connecting" | "connected" | "reconnecting" | "offline";

type LiveContextValue = {
  socket: LiveSocket | null;
  status: LiveStatus;
  /** Room reference counts, so two views of one room do not leave it for each other. */
  rooms: Map<string, number>;
};

const LiveContext = createContext<LiveContextValue>({ socket: null, status: "offline", rooms: new Map() });

const JOIN_TIMEOUT_MS = 5_000;
const RETRY_AFTER_REFUSAL_MS = 5_000;

/** One Socket.IO connection to the live namespace per tab, authenticated by the session cookie. */
export function LiveProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const [socket, setSocket] = useState<LiveSocket | null>(null);
  const [status, setStatus] = useState<LiveStatus>("offline");
  const rooms = useRef(new Map<string, number>()).current;

  useEffect(() => {
    if (!enabled) return;
    const s: LiveSocket = io(BROWSER_NAMESPACE, { path: "/socket.io", withCredentials: true });
    let everConnected = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    setStatus("connecting");
    s.on("connect", () => {
      everConnected = true;
      setStatus("connected");
    });
    s.on("disconnect", () => setStatus(everConnected ? "reconnecting" : "connecting"));
    s.on("connect_error", () => {
      setStatus(everConnected ? "reconnecting" : "connecting");
      // A refusal by the namespace middleware is not retried by Socket.IO itself.
      if (!s.active) {
        clearTimeout(retry);
        retry = setTimeout(() => s.connect(), RETRY_AFTER_REFUSAL_MS);
      }
    });
    setSocket(s);
    return () => {
      clearTimeout(retry);
      s.removeAllListeners();
      s.disconnect();
      setSocket(null);
      setStatus("offline");
    };
  }, [enabled]);

  const value = useMemo(() => ({ socket, status, rooms }), [socket, status, rooms]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext).status;
}

/**
 * Keeps this view joined to `room` across reconnects. `onJoined(resumed)` runs after every successful
 * join; `resumed` is true after a reconnect, when the caller should refetch what it may have missed.
 */
export function useLiveRoom(room: string | null, onJoined?: (resumed: boolean) => void): { joined: boolean; error: string | null } {
  const { socket, rooms } = useContext(LiveContext);
  const [joined, setJoined] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onJoinedRef = useRef(onJoined);
  onJoinedRef.current = onJoined;

  useEffect(() => {
    if (!socket || !room) return;
    let first = true;
    let cancelled = false;
    rooms.set(room, (rooms.get(room) ?? 0) + 1);
    const join = () => {
      socket.timeout(JOIN_TIMEOUT_MS).emit("room:join", room, (err, reply) => {
        if (cancelled) return;
        if (err || !reply?.ok) {
          setJoined(false);
          setError(reply?.error ?? "Live updates are unavailable right now");
          return;
        }
        setJoined(true);
        setError(null);
        const resumed = !first;
        first = false;
        onJoinedRef.current?.(resumed);
      });
    };
    const lost = () => setJoined(false);
    if (socket.connected) join();
    socket.on("connect", join);
    socket.on("disconnect", lost);
    return () => {
      cancelled = true;
      socket.off("connect", join);
      socket.off("disconnect", lost);
      const count = (rooms.get(room) ?? 1) - 1;
      if (count <= 0) {
        rooms.delete(room);
        if (socket.connected) socket.emit("room:leave", room);
      } else rooms.set(room, count);
      setJoined(false);
    };
  }, [socket, room, rooms]);

  return { joined, error };
}

/** Subscribes to one live event for the lifetime of the component; the latest handler always runs. */
export function useLiveEvent<E extends keyof ServerToBrowserEvents>(event: E, handler: ServerToBrowserEvents[E]): void {
  const { socket } = useContext(LiveContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => {
    if (!socket) return;
    const listener = ((payload: unknown) => {
      const update = parseLiveUpdate(event, payload);
      if (update) (handlerRef.current as (u: LiveUpdates[E]) => void)(update);
      else console.warn(`Ignored a ${event} update that does not match its schema`);
    }) as never;
    socket.on(event, listener);
    return () => {
      socket.off(event, listener);
    };
  }, [socket, event]);
}

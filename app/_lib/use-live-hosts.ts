"use client";

import { useQueryClient } from "@tanstack/react-query";
import { liveRooms } from "@/server/contracts/live-updates";
import { useLiveEvent, useLiveRoom } from "./live-socket";
import { useTRPC } from "./trpc";

/** Keeps every cached host list and host detail current with host:updated, and refetches after a reconnect. */
export function useLiveHosts(): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hostsKey = trpc.hosts.pathKey();
  useLiveRoom(liveRooms.fleet, (resumed) => {
    if (resumed) void queryClient.invalidateQueries({ queryKey: hostsKey });
  });
  useLiveEvent("host:updated", (u) => {
    const status = u.online ? ("Online" as const) : ("Offline" as const);
    let known = false;
    queryClient.setQueriesData({ queryKey: trpc.hosts.list.pathKey() }, (old: unknown) => {
      if (!Array.isArray(old)) return old;
      return old.map((h) => {
        if (h.hostId !== u.hostId) return h;
        known = true;
        return h.status === "Deregistered" ? h : { ...h, status, lastSeenAt: u.lastSeenAt };
      });
    });
    queryClient.setQueriesData({ queryKey: trpc.hosts.get.pathKey() }, (old: unknown) => {
      const h = old as { hostId?: string; status?: string } | undefined;
      return h && h.hostId === u.hostId && h.status !== "Deregistered" ? { ...h, status, lastSeenAt: u.lastSeenAt } : old;
    });
    // A host we have not seen enrolled just now.
    if (!known) void queryClient.invalidateQueries({ queryKey: trpc.hosts.list.pathKey() });
  });
}

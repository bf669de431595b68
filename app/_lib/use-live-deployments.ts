"use client";

import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useRef } from "react";
import type { DeploymentSummary } from "@/server/contracts/deployment";
import { liveRooms, type ServerToBrowserEvents } from "@/server/contracts/live-updates";
import { useLiveEvent, useLiveRoom } from "./live-socket";
import { useTRPC } from "./trpc";

type Update = Parameters<ServerToBrowserEvents["deployment:updated"]>[0];
type Page = { items: DeploymentSummary[]; nextCursor: string | null };

type Found = { value: boolean; statusChanged: boolean; hostFinished: boolean };

function patchPage(page: Page, u: Update, found: Found): Page {
  let changed = false;
  const items = page.items.map((d) => {
    if (d.deploymentId !== u.deploymentId) return d;
    found.value = true;
    if (d.status !== u.status) found.statusChanged = true;
    if (d.deploymentOverview.Succeeded !== u.overview.Succeeded) found.hostFinished = true;
    changed = true;
    return { ...d, status: u.status, deploymentOverview: u.overview, completeTime: u.completedAt ?? d.completeTime };
  });
  return changed ? { ...page, items } : page;
}

const REFETCH_DELAY_MS = 400;

/**
 * Keeps every cached deployment list current from the fleet room. New deployments and status changes trigger one
 * debounced refetch of the lists and of what runs where (group hosts, host history, the overview's matrix).
 */
export function useLiveDeployments(): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const whereTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // A host that succeeds now runs the new revision: what-runs-where views refetch, debounced, without the lists.
  const refetchWhereRuns = () => {
    if (whereTimer.current) return;
    whereTimer.current = setTimeout(() => {
      whereTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.deploymentGroups.hosts.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.deploymentGroups.matrix.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.hosts.deployments.pathKey() });
    }, REFETCH_DELAY_MS);
  };
  const refetchLists = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.deployments.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.hosts.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.hosts.deployments.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.deploymentGroups.pathKey() });
    }, REFETCH_DELAY_MS);
  };
  useLiveRoom(liveRooms.fleet, (resumed) => {
    if (resumed) void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
  });
  useLiveEvent("deployment:updated", (u) => {
    const found: Found = { value: false, statusChanged: false, hostFinished: false };
    queryClient.setQueriesData<Page | InfiniteData<Page>>({ queryKey: trpc.deployments.list.pathKey() }, (old) => {
      if (!old) return old;
      if ("pages" in old) return { ...old, pages: old.pages.map((p) => patchPage(p, u, found)) };
      return patchPage(old, u, found);
    });
    const before = queryClient.getQueryData(trpc.deployments.get.queryKey({ deploymentId: u.deploymentId }));
    if (before) {
      queryClient.setQueryData(trpc.deployments.get.queryKey({ deploymentId: u.deploymentId }), {
        ...before,
        status: u.status,
        deploymentOverview: u.overview,
        completeTime: u.completedAt ?? before.completeTime,
      });
    }
    // A status that moves a deployment between filtered lists, or one not listed yet, needs the server's view.
    if (!found.value || found.statusChanged || u.completedAt !== null) refetchLists();
    else if (found.hostFinished) refetchWhereRuns();
  });
}

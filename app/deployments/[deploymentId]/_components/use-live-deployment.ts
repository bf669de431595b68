"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { DeploymentTargetDetail, DeploymentTargetInfo, LifecycleEventName } from "@/server/contracts/deployment";
import { liveRooms, type ServerToBrowserEvents } from "@/server/contracts/live-updates";
import { useLiveEvent, useLiveRoom } from "../../../_lib/live-socket";
import { useTRPC } from "../../../_lib/trpc";

type TargetUpdate = Parameters<ServerToBrowserEvents["target:updated"]>[0];

const FLUSH_MS = 150;

function patchTarget(t: DeploymentTargetInfo, u: TargetUpdate): DeploymentTargetInfo {
  const current = u.events.find((e) => e.status === "InProgress");
  const failed = u.events.find((e) => e.status === "Failed" || e.status === "Unknown");
  const first = u.events.find((e) => e.startedAt !== null);
  const done = u.status === "Succeeded" || u.status === "Failed" || u.status === "Skipped";
  const last = [...u.events].reverse().find((e) => e.completedAt !== null);
  return {
    ...t,
    status: u.status,
    currentEvent: (current?.name as LifecycleEventName | undefined) ?? null,
    failedEvent: (failed?.name as LifecycleEventName | undefined) ?? null,
    failedErrorCode: failed?.diagnostics?.errorCode ?? null,
    startTime: t.startTime ?? first?.startedAt ?? null,
    endTime: done ? (t.endTime ?? last?.completedAt ?? null) : null,
  };
}

function patchDetail(d: DeploymentTargetDetail, u: TargetUpdate): DeploymentTargetDetail {
  const byName = new Map(u.events.map((e) => [e.name, e]));
  return {
    ...patchTarget(d, u),
    deploymentId: d.deploymentId,
    lifecycleEvents: d.lifecycleEvents.map((e) => {
      const n = byName.get(e.lifecycleEventName);
      if (!n) return e;
      const duration = n.startedAt !== null && n.completedAt !== null ? Math.max(0, n.completedAt - n.startedAt) : null;
      return { ...e, status: n.status, startTime: n.startedAt, endTime: n.completedAt, duration, diagnostics: n.diagnostics };
    }),
  };
}

/**
 * Applies a deployment's live updates to the cached deployment, target list and target details.
 * Target updates are batched so a 1,000-host deployment re-renders a few times a second, not per event.
 */
export function useLiveDeployment(deploymentId: string): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, TargetUpdate>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const getKey = trpc.deployments.get.queryKey({ deploymentId });
  const targetsKey = trpc.deployments.listTargets.queryKey({ deploymentId });

  const refetchAll = () => {
    void queryClient.invalidateQueries({ queryKey: getKey });
    void queryClient.invalidateQueries({ queryKey: targetsKey });
    void queryClient.invalidateQueries({ queryKey: trpc.deployments.getTarget.pathKey() });
  };

  const flush = () => {
    timer.current = null;
    const updates = pending.current;
    pending.current = new Map();
    let unknown = false;
    queryClient.setQueryData(targetsKey, (old) => {
      if (!old) return old;
      const seen = new Set<string>();
      const next = old.map((t) => {
        const u = updates.get(t.targetId);
        if (!u) return t;
        seen.add(t.targetId);
        return patchTarget(t, u);
      });
      if (seen.size < updates.size) unknown = true;
      return next;
    });
    for (const u of updates.values()) {
      const key = trpc.deployments.getTarget.queryKey({ targetId: u.targetId });
      const detail = queryClient.getQueryData(key);
      if (!detail) continue;
      queryClient.setQueryData(key, patchDetail(detail, u));
      // Which revision's script ran arrives only with the stored event.
      if (u.events.some((e) => e.completedAt !== null)) void queryClient.invalidateQueries({ queryKey: key });
    }
    if (unknown) void queryClient.invalidateQueries({ queryKey: targetsKey });
  };

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useLiveRoom(liveRooms.deployment(deploymentId), (resumed) => {
    if (resumed) refetchAll();
  });
  // The fleet room tells when a linked rollback deployment finishes, which changes this one's rollback message.
  useLiveRoom(liveRooms.fleet);

  useLiveEvent("deployment:updated", (u) => {
    const before = queryClient.getQueryData(getKey);
    if (u.deploymentId !== deploymentId) {
      const linked =
        before?.rollbackInfo &&
        (before.rollbackInfo.rollbackDeploymentId === u.deploymentId || before.rollbackInfo.rollbackTriggeringDeploymentId === u.deploymentId);
      if (linked && u.completedAt !== null) void queryClient.invalidateQueries({ queryKey: getKey });
      return;
    }
    if (before)
      queryClient.setQueryData(getKey, { ...before, status: u.status, deploymentOverview: u.overview, completeTime: u.completedAt ?? before.completeTime });
    if (!before || before.status !== u.status || u.completedAt !== null) void queryClient.invalidateQueries({ queryKey: getKey });
    if (u.completedAt !== null) void queryClient.invalidateQueries({ queryKey: targetsKey });
  });

  useLiveEvent("target:updated", (u) => {
    if (u.deploymentId !== deploymentId) return;
    pending.current.set(u.targetId, u);
    if (!timer.current) timer.current = setTimeout(flush, FLUSH_MS);
  });
}

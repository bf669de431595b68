"use client";

import Link from "next/link";
import type { DeploymentInfo, DeploymentOverview, StorageProblem } from "@/server/contracts/deployment";
import { DeploymentProgress, overviewTotal } from "../../../_components/progress-bar";
import { RelativeTime } from "../../../_components/relative-time";
import { StatusIcon } from "../../../_components/status-badge";
import { AlertIcon, RollbackIcon } from "../../../_components/icons";
import { durationBetween, formatDateTime } from "../../../_lib/format";
import { paths } from "../../../_lib/paths";
import { useNow } from "../../../_lib/use-now";

const counters: { key: keyof DeploymentOverview; label: string; status: string }[] = [
  { key: "Pending", label: "Pending", status: "Pending" },
  { key: "InProgress", label: "In progress", status: "InProgress" },
  { key: "Succeeded", label: "Succeeded", status: "Succeeded" },
  { key: "Failed", label: "Failed", status: "Failed" },
  { key: "Skipped", label: "Skipped", status: "Skipped" },
];

export function DeploymentSummary({ d, overview }: { d: DeploymentInfo & { storageProblem?: StorageProblem | null }; overview: DeploymentOverview }) {
  const running = d.status === "InProgress" || d.status === "Queued" || d.status === "Created";
  const now = useNow(1000, running);
  const o = overview;
  const total = overviewTotal(o);
  const done = o.Succeeded + o.Failed + o.Skipped;
  return (
    <div className="space-y-4">
      {d.rollbackInfo?.rollbackTriggeringDeploymentId || d.rollbackInfo?.rollbackDeploymentId || d.rollbackInfo?.rollbackMessage ? (
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-warn/40 bg-warn/5 px-3 py-2 text-sm" data-testid="rollback-info">
          <RollbackIcon size={14} className="text-warn" />
          {d.rollbackInfo.rollbackTriggeringDeploymentId ? (
            <span>
              Rollback of{" "}
              <Link href={paths.deployment(d.rollbackInfo.rollbackTriggeringDeploymentId)} className="font-mono font-medium underline-offset-2 hover:underline">
                {d.rollbackInfo.rollbackTriggeringDeploymentId}
              </Link>
            </span>
          ) : null}
          {d.rollbackInfo.rollbackDeploymentId ? (
            <span>
              Rolled back by{" "}
              <Link href={paths.deployment(d.rollbackInfo.rollbackDeploymentId)} className="font-mono font-medium underline-offset-2 hover:underline">
                {d.rollbackInfo.rollbackDeploymentId}
              </Link>
            </span>
          ) : null}
          {d.rollbackInfo.rollbackMessage ? <span className="text-muted">{d.rollbackInfo.rollbackMessage}</span> : null}
        </div>
      ) : null}
      {d.storageProblem ? (
        <div role="alert" className="flex items-start gap-2 rounded-lg border border-fail/40 bg-fail/5 px-3 py-2 text-sm" data-testid="storage-problem">
          <AlertIcon size={14} className="mt-0.5 shrink-0 text-fail" />
          <span>
            {d.storageProblem.message} Log lines and results wait on the agents until then; since <RelativeTime at={d.storageProblem.since} />.
          </span>
        </div>
      ) : null}
      {d.errorInformation ? (
        <div role="alert" className="flex items-start gap-2 rounded-lg border border-fail/40 bg-fail/5 px-3 py-2 text-sm">
          <AlertIcon size={14} className="mt-0.5 shrink-0 text-fail" />
          <span>
            <span className="font-mono text-xs text-fail">{d.errorInformation.code}</span> {d.errorInformation.message}
          </span>
        </div>
      ) : null}
      <div className="rounded-lg border border-border bg-surface p-4">
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
          <span data-testid="hosts-done">
            <span className="font-semibold tabular-nums">{done}</span>{" "}
            <span className="text-muted">
              of {total} host{total === 1 ? "" : "s"} done
            </span>
          </span>
          <span className="text-xs text-muted">
            {d.status === "Scheduled" && d.startAt ? (
              <>Starts {formatDateTime(d.startAt)}</>
            ) : d.startTime ? (
              <>
                {running ? "Running for" : "Took"} <span className="tabular-nums">{durationBetween(d.startTime, d.completeTime, now)}</span>
              </>
            ) : (
              "Not started"
            )}
          </span>
        </div>
        <DeploymentProgress overview={o} />
        <dl className="mt-3 grid grid-cols-3 gap-2 sm:grid-cols-5">
          {counters.map((c) => (
            <div key={c.key} className="rounded-md bg-surface-2/60 px-2.5 py-1.5" data-testid={`counter-${c.key}`}>
              <dt className="flex items-center gap-1 text-[11px] text-muted">
                <StatusIcon status={c.status} size={11} />
                {c.label}
              </dt>
              <dd className="text-lg font-semibold tabular-nums">{o[c.key]}</dd>
            </div>
          ))}
        </dl>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <Fact label="Application">
          <Link href={paths.application(d.applicationName)} className="hover:underline">
            {d.applicationName}
          </Link>
        </Fact>
        <Fact label="Deployment group">
          <Link href={paths.group(d.applicationName, d.deploymentGroupName)} className="hover:underline">
            {d.deploymentGroupName}
          </Link>
        </Fact>
        <Fact label="Revision">
          <span className="font-mono text-xs" title={d.revision.sha256}>
            {d.revision.revisionId}
          </span>
          {d.revision.description ? <span className="block truncate text-xs text-muted">{d.revision.description}</span> : null}
        </Fact>
        <Fact label="Config">{d.deploymentConfigName.replace("CodeDeployDefault.", "")}</Fact>
        <Fact label="Started by">
          {d.creator === "codeDeployRollback"
            ? "Automatic rollback"
            : d.creator === "scheduler"
              ? `Schedule (${d.createdBy ?? "unknown"})`
              : (d.createdBy ?? "deleted user")}
        </Fact>
        <Fact label="Created">
          <RelativeTime at={d.createTime} />
        </Fact>
      </dl>
      {d.startNote ? <p className="text-xs text-warn">{d.startNote}</p> : null}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="truncate">{children}</dd>
    </div>
  );
}

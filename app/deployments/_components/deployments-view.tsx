"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { DeploymentStatus } from "@/server/contracts/deployment";
import { DeploymentList } from "../../_components/deployment-list";
import { SelectField } from "../../_components/field";
import { PageHeader } from "../../_components/page-header";
import { useTRPC } from "../../_lib/trpc";
import { ScheduledList } from "./scheduled-list";

const filters: { key: string; label: string; status?: DeploymentStatus[] }[] = [
  { key: "all", label: "All" },
  { key: "active", label: "Active", status: ["Created", "Queued", "InProgress"] },
  { key: "succeeded", label: "Succeeded", status: ["Succeeded"] },
  { key: "failed", label: "Failed", status: ["Failed"] },
  { key: "stopped", label: "Stopped", status: ["Stopped"] },
];

export function DeploymentsView() {
  const trpc = useTRPC();
  const apps = useQuery(trpc.applications.list.queryOptions());
  const [filter, setFilter] = useState("all");
  const [applicationName, setApplicationName] = useState("");
  const status = filters.find((f) => f.key === filter)?.status;
  return (
    <>
      <PageHeader title="Deployments" description="Every deployment across applications, newest first. Updates arrive live." />
      <ScheduledList />
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div role="group" aria-label="Status filter" className="inline-flex rounded-md border border-border-strong bg-surface p-0.5">
          {filters.map((f) => (
            <button
              key={f.key}
              type="button"
              aria-pressed={filter === f.key}
              onClick={() => setFilter(f.key)}
              className={`rounded px-2.5 py-1 text-xs ${filter === f.key ? "bg-surface-2 font-medium text-fg" : "text-muted hover:text-fg"}`}
            >
              {f.label}
            </button>
          ))}
        </div>
        <SelectField label="Application" hideLabel value={applicationName} onChange={(e) => setApplicationName(e.target.value)} className="w-56">
          <option value="">All applications</option>
          {(apps.data ?? []).map((a) => (
            <option key={a.applicationId} value={a.applicationName}>
              {a.applicationName}
            </option>
          ))}
        </SelectField>
      </div>
      <DeploymentList
        key={`${filter}:${applicationName}`}
        applicationName={applicationName || undefined}
        status={status}
        showApplication
        emptyTitle={filter === "all" && !applicationName ? "No deployments yet" : "No deployments match"}
        emptyText={filter === "all" && !applicationName ? "Start one from an application's deployment group." : undefined}
      />
    </>
  );
}

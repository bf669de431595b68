"use client";

import Link from "next/link";
import type { ApplicationInfo, HostInfo } from "@/server/contracts/catalog";
import { CheckCircleIcon, CircleIcon } from "../../_components/icons";
import { paths } from "../../_lib/paths";

/** First steps, ticked off as they happen. */
export function GettingStarted({ apps, hosts }: { apps: ApplicationInfo[]; hosts: HostInfo[] }) {
  const firstApp = apps[0];
  const steps = [
    { done: hosts.length > 0, label: "Add a host", detail: "Run the agent with an enrollment token.", href: paths.hosts },
    { done: apps.length > 0, label: "Create an application", detail: "It holds your revisions and deployment groups.", href: paths.applications },
    {
      done: apps.some((a) => a.revisionCount > 0),
      label: "Upload a revision",
      detail: "A zip or tar bundle with an appspec.yml.",
      href: firstApp ? `${paths.application(firstApp.applicationName)}#revisions` : paths.applications,
    },
    {
      done: apps.some((a) => a.deploymentGroupCount > 0),
      label: "Create a deployment group",
      detail: "Pick hosts by their tags.",
      href: firstApp ? paths.newGroup(firstApp.applicationName) : paths.applications,
    },
    {
      done: apps.some((a) => a.latestDeployment !== null),
      label: "Deploy",
      detail: "Watch every host's hooks and logs live.",
      href: firstApp ? paths.deploy(firstApp.applicationName) : paths.applications,
    },
  ];
  return (
    <section className="mb-6 rounded-lg border border-accent/30 bg-accent/5 p-4" aria-labelledby="getting-started">
      <h2 id="getting-started" className="text-sm font-semibold">
        Get started
      </h2>
      <ol className="mt-3 grid grid-cols-[minmax(0,1fr)] gap-2 sm:grid-cols-2 lg:grid-cols-5">
        {steps.map((s, i) => (
          <li key={s.label}>
            <Link href={s.href} className="flex h-full gap-2 rounded-md border border-border bg-surface p-3 hover:border-border-strong">
              {s.done ? <CheckCircleIcon className="mt-0.5 shrink-0 text-ok" /> : <CircleIcon className="mt-0.5 shrink-0 text-faint" />}
              <span>
                <span className={`block text-sm font-medium ${s.done ? "text-muted line-through" : ""}`}>
                  {i + 1}. {s.label}
                </span>
                <span className="block text-xs text-muted">{s.detail}</span>
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}

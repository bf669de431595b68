"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button, ButtonLink } from "../../../_components/button";
import { DeploymentList } from "../../../_components/deployment-list";
import { PlusIcon, RocketIcon, UploadIcon } from "../../../_components/icons";
import { PageHeader, Section } from "../../../_components/page-header";
import { ErrorState, LoadingRows } from "../../../_components/states";
import { Tabs } from "../../../_components/tabs";
import { paths } from "../../../_lib/paths";
import { useCan } from "../../../_lib/session";
import { useTRPC } from "../../../_lib/trpc";
import { GroupCards } from "./group-cards";
import { RevisionList } from "./revision-list";
import { RevisionUpload } from "./revision-upload";

type Tab = "groups" | "revisions" | "deployments";
const tabKeys: Tab[] = ["groups", "revisions", "deployments"];

export function ApplicationView({ applicationName }: { applicationName: string }) {
  const trpc = useTRPC();
  const canEdit = useCan("deployer");
  const app = useQuery(trpc.applications.get.queryOptions({ applicationName }));
  const [chosenTab, setTab] = useState<Tab | null>(null);
  useEffect(() => {
    const follow = () => {
      const fromHash = window.location.hash.slice(1) as Tab;
      if (tabKeys.includes(fromHash)) setTab(fromHash);
    };
    follow();
    // Links and the back button may change only the hash; the tab follows them.
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  const changeTab = (t: Tab) => {
    setTab(t);
    window.history.replaceState(null, "", `#${t}`);
  };
  const crumbs = [{ label: "Applications", href: paths.applications }, { label: applicationName }];

  if (app.isPending) return <LoadingRows rows={6} />;
  if (app.isError)
    return (
      <>
        <PageHeader title={applicationName} crumbs={crumbs} />
        <ErrorState error={app.error} onRetry={() => app.refetch()} />
      </>
    );
  const a = app.data;
  // A new application needs a revision first, then a group, then a deployment: the next step is the primary action.
  const next = a.revisionCount === 0 ? "upload" : a.deploymentGroupCount === 0 ? "group" : "deploy";
  const tab = chosenTab ?? (next === "upload" ? "revisions" : "groups");
  return (
    <>
      <PageHeader
        title={a.applicationName}
        crumbs={crumbs}
        description={`${a.deploymentGroupCount} deployment group${a.deploymentGroupCount === 1 ? "" : "s"} · ${a.revisionCount} revision${a.revisionCount === 1 ? "" : "s"}`}
        actions={
          canEdit ? (
            <>
              <Button variant={next === "upload" ? "primary" : "secondary"} icon={<UploadIcon size={14} />} onClick={() => changeTab("revisions")}>
                Upload revision
              </Button>
              <ButtonLink variant={next === "group" ? "primary" : "secondary"} href={paths.newGroup(a.applicationName)} icon={<PlusIcon size={14} />}>
                New deployment group
              </ButtonLink>
              {next === "deploy" ? (
                <ButtonLink variant="primary" href={paths.deploy(a.applicationName)} icon={<RocketIcon size={14} />}>
                  Deploy
                </ButtonLink>
              ) : null}
            </>
          ) : null
        }
      />
      <Tabs
        value={tab}
        onChange={changeTab}
        tabs={[
          { key: "groups", label: "Deployment groups", count: a.deploymentGroupCount },
          { key: "revisions", label: "Revisions", count: a.revisionCount },
          { key: "deployments", label: "Deployments" },
        ]}
      >
        {tab === "groups" ? <GroupCards applicationName={a.applicationName} /> : null}
        {tab === "revisions" ? (
          <div className="space-y-4">
            {canEdit ? (
              <Section title="Upload a revision">
                <RevisionUpload applicationName={a.applicationName} />
              </Section>
            ) : null}
            <RevisionList applicationName={a.applicationName} />
          </div>
        ) : null}
        {tab === "deployments" ? <DeploymentList applicationName={a.applicationName} /> : null}
      </Tabs>
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { PageHeader } from "../../../../../_components/page-header";
import { EmptyState } from "../../../../../_components/states";
import { paths } from "../../../../../_lib/paths";
import { useCan } from "../../../../../_lib/session";
import { GroupForm } from "../../_components/group-form";

export function NewGroupView({ applicationName }: { applicationName: string }) {
  const router = useRouter();
  const canCreate = useCan("deployer");
  return (
    <>
      <PageHeader
        title="New deployment group"
        description="A deployment group is the set of hosts a revision goes to, chosen by their tags."
        crumbs={[
          { label: "Applications", href: paths.applications },
          { label: applicationName, href: paths.application(applicationName) },
          { label: "New deployment group" },
        ]}
      />
      {canCreate ? (
        <GroupForm
          applicationName={applicationName}
          initial={null}
          onSaved={(g) => router.push(paths.group(applicationName, g.deploymentGroupName))}
          onCancel={() => router.push(paths.application(applicationName))}
        />
      ) : (
        <EmptyState title="Your role cannot create deployment groups">Ask a deployer or admin.</EmptyState>
      )}
    </>
  );
}

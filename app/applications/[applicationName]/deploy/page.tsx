import type { Metadata } from "next";
import { decodeSegment } from "../../../_lib/paths";
import { StartDeploymentView } from "./_components/start-deployment-view";

export const metadata: Metadata = { title: "Deploy" };

type Props = { params: Promise<{ applicationName: string }>; searchParams: Promise<{ group?: string; revision?: string }> };

export default async function DeployPage({ params, searchParams }: Props) {
  const { applicationName } = await params;
  const { group, revision } = await searchParams;
  return <StartDeploymentView applicationName={decodeSegment(applicationName)} initialGroup={group ?? null} initialRevision={revision ?? null} />;
}

import type { Metadata } from "next";
import { decodeSegment } from "../../_lib/paths";
import { DeploymentView } from "./_components/deployment-view";

type Params = { params: Promise<{ deploymentId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { deploymentId } = await params;
  return { title: decodeSegment(deploymentId) };
}

export default async function DeploymentPage({ params }: Params) {
  const { deploymentId } = await params;
  return <DeploymentView deploymentId={decodeSegment(deploymentId)} />;
}

import type { Metadata } from "next";
import { DeploymentConfigsView } from "./_components/deployment-configs-view";

export const metadata: Metadata = { title: "Deployment configs" };

export default function DeploymentConfigsPage() {
  return <DeploymentConfigsView />;
}

import type { Metadata } from "next";
import { DeploymentsView } from "./_components/deployments-view";

export const metadata: Metadata = { title: "Deployments" };

export default function DeploymentsPage() {
  return <DeploymentsView />;
}

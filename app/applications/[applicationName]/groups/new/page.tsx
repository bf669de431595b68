import type { Metadata } from "next";
import { decodeSegment } from "../../../../_lib/paths";
import { NewGroupView } from "./_components/new-group-view";

export const metadata: Metadata = { title: "New deployment group" };

export default async function NewGroupPage({ params }: { params: Promise<{ applicationName: string }> }) {
  const { applicationName } = await params;
  return <NewGroupView applicationName={decodeSegment(applicationName)} />;
}

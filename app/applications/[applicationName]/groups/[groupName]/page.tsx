import type { Metadata } from "next";
import { decodeSegment } from "../../../../_lib/paths";
import { GroupView } from "./_components/group-view";

type Params = { params: Promise<{ applicationName: string; groupName: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { groupName } = await params;
  return { title: decodeSegment(groupName) };
}

export default async function GroupPage({ params }: Params) {
  const { applicationName, groupName } = await params;
  return <GroupView applicationName={decodeSegment(applicationName)} groupName={decodeSegment(groupName)} />;
}

import type { Metadata } from "next";
import { decodeSegment } from "../../_lib/paths";
import { HostView } from "./_components/host-view";

type Params = { params: Promise<{ hostName: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { hostName } = await params;
  return { title: decodeSegment(hostName) };
}

export default async function HostPage({ params }: Params) {
  const { hostName } = await params;
  return <HostView hostName={decodeSegment(hostName)} />;
}

import type { Metadata } from "next";
import { decodeSegment } from "../../_lib/paths";
import { ApplicationView } from "./_components/application-view";

type Params = { params: Promise<{ applicationName: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { applicationName } = await params;
  return { title: decodeSegment(applicationName) };
}

export default async function ApplicationPage({ params }: Params) {
  const { applicationName } = await params;
  return <ApplicationView applicationName={decodeSegment(applicationName)} />;
}

import type { Metadata } from "next";
import { EnrollmentTokensView } from "./_components/enrollment-tokens-view";

export const metadata: Metadata = { title: "Enrollment tokens" };

export default function EnrollmentTokensPage() {
  return <EnrollmentTokensView />;
}

import type { ReactNode } from "react";
import "./globals.css";

export const metadata = { title: "Landline", description: "Deployments for your own fleet" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

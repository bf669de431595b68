"use client";

import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { LiveProvider } from "../_lib/live-socket";
import { SessionProvider } from "../_lib/session";
import { useTRPC } from "../_lib/trpc";
import { Button } from "./button";
import { MenuIcon } from "./icons";
import { SidebarNav } from "./sidebar-nav";
import { ErrorState, Spinner } from "./states";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";
import { LiveIndicator } from "./live-indicator";

const PUBLIC_PATHS = ["/sign-in"];

/** Signed-out visitors go to /sign-in; signed-in ones get the navigation shell and the live connection. */
export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.auth.status.queryOptions(undefined, { staleTime: 60_000 }));
  const pathname = usePathname();
  const router = useRouter();
  const isPublic = PUBLIC_PATHS.includes(pathname);
  const user = status.data?.user ?? null;

  useEffect(() => {
    if (!status.data) return;
    if (!user && !isPublic) {
      const next = pathname && pathname !== "/" ? `?next=${encodeURIComponent(pathname + window.location.search)}` : "";
      router.replace(`/sign-in${next}`);
    }
  }, [status.data, user, isPublic, pathname, router]);

  if (isPublic) return <>{children}</>;
  if (status.isError && !status.data) {
    return (
      <main className="mx-auto max-w-md p-8">
        <ErrorState error={status.error} title="Cannot reach Landline" onRetry={() => status.refetch()} />
      </main>
    );
  }
  if (!user) {
    return (
      <main className="flex min-h-screen items-center justify-center">
        <Spinner />
      </main>
    );
  }
  return (
    <SessionProvider user={user}>
      <LiveProvider enabled>
        <SignedInLayout>{children}</SignedInLayout>
      </LiveProvider>
    </SessionProvider>
  );
}

/** Frames to wait for the new page's heading, which appears once its data has loaded. */
const HEADING_WAIT_FRAMES = 180;

/** After a client-side navigation, focus moves to the new page's heading, so a screen reader announces the page. */
function useFocusHeadingOnNavigation(pathname: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let frames = 0;
    let raf = 0;
    const focusHeading = () => {
      const heading = document.querySelector<HTMLElement>("main h1");
      if (heading) heading.focus({ preventScroll: true });
      else if (++frames < HEADING_WAIT_FRAMES) raf = requestAnimationFrame(focusHeading);
    };
    raf = requestAnimationFrame(focusHeading);
    return () => cancelAnimationFrame(raf);
  }, [pathname]);
}

function SignedInLayout({ children }: { children: ReactNode }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setMenuOpen(false), [pathname]);
  useFocusHeadingOnNavigation(pathname);
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside
        className={`fixed inset-y-0 left-0 z-40 w-60 shrink-0 border-r border-border bg-surface transition-transform lg:sticky lg:top-0 lg:h-screen lg:translate-x-0 ${menuOpen ? "translate-x-0" : "-translate-x-full max-lg:invisible"}`}
        aria-label="Main navigation"
      >
        <SidebarNav />
      </aside>
      {menuOpen ? (
        <button type="button" aria-label="Close menu" className="fixed inset-0 z-30 bg-black/40 lg:hidden" onClick={() => setMenuOpen(false)} />
      ) : null}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-20 flex h-12 items-center gap-2 border-b border-border bg-bg/85 px-3 backdrop-blur lg:px-6">
          <Button variant="ghost" size="sm" className="lg:hidden" onClick={() => setMenuOpen(true)} aria-label="Open menu" icon={<MenuIcon />} />
          <div className="flex-1" />
          <LiveIndicator />
          <ThemeToggle />
          <UserMenu />
        </header>
        <main id="main" className="mx-auto w-full max-w-[1400px] flex-1 px-3 py-5 sm:px-6 lg:py-6">
          {children}
        </main>
      </div>
    </div>
  );
}

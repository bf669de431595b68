"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType } from "react";
import { hasRole, type Role } from "@/server/contracts/resources";
import { useCurrentUser } from "../_lib/session";
import { BoxIcon, GaugeIcon, HomeIcon, KeyIcon, LayersIcon, ListIcon, RocketIcon, ServerIcon, ShieldIcon, UsersIcon } from "./icons";

type NavItem = { href: string; label: string; icon: ComponentType<{ size?: number }>; minRole?: Role };

const main: NavItem[] = [
  { href: "/", label: "Overview", icon: HomeIcon },
  { href: "/deployments", label: "Deployments", icon: RocketIcon },
  { href: "/applications", label: "Applications", icon: BoxIcon },
  { href: "/hosts", label: "Hosts", icon: ServerIcon },
  { href: "/deployment-configs", label: "Deployment configs", icon: GaugeIcon },
];

const settings: NavItem[] = [
  { href: "/settings/users", label: "Users", icon: UsersIcon, minRole: "admin" },
  { href: "/settings/api-tokens", label: "API tokens", icon: KeyIcon },
  { href: "/settings/enrollment-tokens", label: "Enrollment tokens", icon: LayersIcon, minRole: "deployer" },
  { href: "/audit-log", label: "Audit log", icon: ListIcon, minRole: "admin" },
  { href: "/settings/account", label: "Account", icon: ShieldIcon },
];

function isActive(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

function NavLink({ item, pathname }: { item: NavItem; pathname: string }) {
  const active = isActive(pathname, item.href);
  const Icon = item.icon;
  return (
    <Link
      href={item.href}
      aria-current={active ? "page" : undefined}
      className={`flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm transition-colors ${active ? "bg-surface-2 font-medium text-fg" : "text-muted hover:bg-surface-2 hover:text-fg"}`}
    >
      <Icon size={15} />
      {item.label}
    </Link>
  );
}

export function SidebarNav() {
  const pathname = usePathname();
  const { role } = useCurrentUser();
  return (
    <nav className="flex h-full flex-col gap-6 overflow-y-auto p-3">
      <Link href="/" className="flex items-center gap-2 px-2 pt-1 text-[15px] font-semibold tracking-tight text-fg">
        <span className="inline-flex h-6 w-6 items-center justify-center rounded-md bg-fg text-bg" aria-hidden="true">
          <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round">
            <path d="M4 18h16M7 14l5-8 5 8" />
          </svg>
        </span>
        Landline
      </Link>
      <div className="space-y-0.5">
        {main.map((item) => (
          <NavLink key={item.href} item={item} pathname={pathname} />
        ))}
      </div>
      <div className="space-y-0.5">
        <p className="px-2.5 pb-1 text-[11px] font-medium uppercase tracking-wider text-faint">Settings</p>
        {settings
          .filter((item) => !item.minRole || hasRole(role, item.minRole))
          .map((item) => (
            <NavLink key={item.href} item={item} pathname={pathname} />
          ))}
      </div>
    </nav>
  );
}

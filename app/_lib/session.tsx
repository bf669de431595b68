"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { CurrentUser } from "@/server/contracts/accounts";
import { hasRole, type Role } from "@/server/contracts/resources";

const SessionContext = createContext<CurrentUser | null>(null);

export function SessionProvider({ user, children }: { user: CurrentUser; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

/** The signed-in user; only rendered inside the signed-in shell. */
export function useCurrentUser(): CurrentUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error("useCurrentUser outside the signed-in shell");
  return user;
}

/** Whether the signed-in user's role allows an action; what a role may not do is not offered. */
export function useCan(required: Role): boolean {
  const user = useContext(SessionContext);
  return user ? hasRole(user.role, required) : false;
}

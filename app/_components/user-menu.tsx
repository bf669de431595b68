"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCurrentUser } from "../_lib/session";
import { useTRPC } from "../_lib/trpc";
import { LogOutIcon } from "./icons";

export function UserMenu() {
  const user = useCurrentUser();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace("/sign-in");
      },
    }),
  );
  return (
    <div className="flex items-center gap-2 pl-1">
      <div className="hidden text-right sm:block">
        <p className="max-w-48 truncate text-xs font-medium text-fg">{user.name ?? user.email}</p>
        <p className="text-[11px] capitalize text-faint">{user.role}</p>
      </div>
      <button
        type="button"
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
        className="inline-flex h-8 items-center gap-1.5 rounded-md px-2 text-xs text-muted hover:bg-surface-2 hover:text-fg"
      >
        <LogOutIcon size={14} />
        Sign out
      </button>
    </div>
  );
}

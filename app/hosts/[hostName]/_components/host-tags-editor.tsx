"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { HostTag } from "@/server/contracts/resources";
import { Button } from "../../../_components/button";
import { PlusIcon, XIcon } from "../../../_components/icons";
import { InlineError } from "../../../_components/states";
import { fieldErrorsOf } from "../../../_lib/errors";
import { useTRPC } from "../../../_lib/trpc";

const input = "h-8 w-full min-w-0 rounded-md border border-border-strong bg-surface px-2 font-mono text-xs focus-visible:outline-2 focus-visible:outline-ring";

export function HostTagsEditor({ hostName, tags, onDone }: { hostName: string; tags: HostTag[]; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<HostTag[]>(tags.length ? tags : [{ key: "", value: "" }]);
  const save = useMutation(
    trpc.hosts.updateTags.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.hosts.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.deploymentGroups.pathKey() });
        onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(save.error);
  const set = (i: number, patch: Partial<HostTag>) => setDraft((d) => d.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ hostName, tags: draft.filter((t) => t.key.trim()).map((t) => ({ key: t.key.trim(), value: t.value })) });
      }}
    >
      {draft.map((t, i) => (
        <div key={i}>
          <div className="grid grid-cols-[1fr_1fr_auto] gap-1.5">
            <input className={input} aria-label={`Tag ${i + 1} key`} placeholder="key" value={t.key} onChange={(e) => set(i, { key: e.target.value })} />
            <input
              className={input}
              aria-label={`Tag ${i + 1} value`}
              placeholder="value"
              value={t.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
            <button
              type="button"
              className="rounded p-1.5 text-faint hover:bg-surface-2 hover:text-fg"
              aria-label={`Remove tag ${i + 1}`}
              onClick={() => setDraft((d) => d.filter((_, j) => j !== i))}
            >
              <XIcon size={14} />
            </button>
          </div>
          {errors[`tags.${i}.key`] || errors[`tags.${i}.value`] ? (
            <p className="text-xs text-fail">{errors[`tags.${i}.key`] ?? errors[`tags.${i}.value`]}</p>
          ) : null}
        </div>
      ))}
      <Button size="sm" variant="ghost" icon={<PlusIcon size={12} />} onClick={() => setDraft((d) => [...d, { key: "", value: "" }])}>
        Add tag
      </Button>
      {save.error ? <InlineError error={save.error} /> : null}
      <p className="text-xs text-faint">Changing tags changes which deployment groups include this host from the next deployment on.</p>
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" pending={save.isPending}>
          Save tags
        </Button>
        <Button size="sm" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

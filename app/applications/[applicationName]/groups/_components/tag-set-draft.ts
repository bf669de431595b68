import type { TagFilterType, TagSet } from "@/server/contracts/resources";

export type DraftFilter = { type: TagFilterType; key: string; value: string };
export type DraftTagSet = DraftFilter[][];

export function draftFromTagSet(tagSet: TagSet): DraftTagSet {
  return tagSet.map((group) => group.map((f) => ({ type: f.type, key: f.key ?? "", value: f.value ?? "" })));
}

export function tagSetFromDraft(draft: DraftTagSet): TagSet {
  return draft
    .map((group) =>
      group.map((f) =>
        f.type === "KEY_ONLY"
          ? { type: f.type, key: f.key.trim() }
          : f.type === "VALUE_ONLY"
            ? { type: f.type, value: f.value }
            : { type: f.type, key: f.key.trim(), value: f.value },
      ),
    )
    .filter((group) => group.length > 0);
}

function describeFilter(f: DraftFilter): string {
  const key = f.key.trim() || "…";
  if (f.type === "KEY_ONLY") return `has ${key}`;
  if (f.type === "VALUE_ONLY") return `any tag = ${f.value || "…"}`;
  return `${key}=${f.value || "…"}`;
}

/** "(env=prod OR env=staging) AND (role=web)": the rule in words. */
export function describeTagSet(draft: DraftTagSet): string {
  const groups = draft.filter((g) => g.length > 0);
  if (groups.length === 0) return "No filters: this group matches no hosts.";
  return groups.map((g) => (g.length > 1 && groups.length > 1 ? `(${g.map(describeFilter).join(" OR ")})` : g.map(describeFilter).join(" OR "))).join(" AND ");
}

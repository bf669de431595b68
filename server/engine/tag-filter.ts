import type { HostTag, TagFilter, TagSet } from "../contracts/resources";

export function matchesTagFilter(filter: TagFilter, tags: readonly HostTag[]): boolean {
  switch (filter.type) {
    case "KEY_ONLY":
      return tags.some((t) => t.key === filter.key);
    case "VALUE_ONLY":
      return tags.some((t) => t.value === filter.value);
    case "KEY_AND_VALUE":
      return tags.some((t) => t.key === filter.key && t.value === filter.value);
  }
}

/** OR within a tag group, AND across groups; an empty set matches no host (CodeDeploy targets nothing). */
export function matchesTagSet(tagSet: TagSet, tags: readonly HostTag[]): boolean {
  if (tagSet.length === 0) return false;
  return tagSet.every((group) => group.some((filter) => matchesTagFilter(filter, tags)));
}

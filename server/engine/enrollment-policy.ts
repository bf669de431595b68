import type { HostApproval, HostTag } from "../contracts/resources";

/** What an enrollment token says about the hosts it enrolls. */
export type EnrollmentTokenPolicy = {
  /** Tags every host enrolled with the token gets; an agent cannot change them. */
  tags: readonly HostTag[];
  /** Whether the agent may add tags with keys the token does not set. */
  allowHostTags: boolean;
  /** Whether hosts wait for an admin's approval. */
  requireApproval: boolean;
};

export type EnrollmentDecision = { accepted: true; tags: HostTag[]; approval: HostApproval } | { accepted: false; reason: string };

function describeTag(tag: HostTag): string {
  return tag.value ? `${tag.key}=${tag.value}` : tag.key;
}

/**
 * Decides the tags and approval of a host enrolling with a token. The token's tags always win: an agent may
 * repeat them, and add other keys only when the token allows it. A tag the agent may not have refuses the
 * enrollment outright, so the operator sees it instead of getting a host that silently lacks a tag.
 */
export function decideEnrollment(token: EnrollmentTokenPolicy, requested: readonly HostTag[], serverRequiresApproval: boolean): EnrollmentDecision {
  const fixed = new Map(token.tags.map((t) => [t.key, t.value]));
  const added: HostTag[] = [];
  for (const tag of requested) {
    const fixedValue = fixed.get(tag.key);
    if (fixedValue === undefined) {
      if (!token.allowHostTags) return { accepted: false, reason: `this enrollment token fixes the host's tags and does not allow ${describeTag(tag)}` };
      if (!added.some((t) => t.key === tag.key)) added.push({ key: tag.key, value: tag.value });
    } else if (fixedValue !== tag.value) {
      return {
        accepted: false,
        reason: `this enrollment token sets ${describeTag({ key: tag.key, value: fixedValue })}; the host cannot change it to ${describeTag(tag)}`,
      };
    }
  }
  return {
    accepted: true,
    tags: [...token.tags.map((t) => ({ key: t.key, value: t.value })), ...added],
    approval: token.requireApproval || serverRequiresApproval ? "pending" : "approved",
  };
}

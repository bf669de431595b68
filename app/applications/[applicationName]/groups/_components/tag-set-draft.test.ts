import { describe, expect, it } from "vitest";
import { tagSetSchema } from "@/server/contracts/resources";
import { describeTagSet, draftFromTagSet, tagSetFromDraft, type DraftTagSet } from "./tag-set-draft";

const draft: DraftTagSet = [
  [
    { type: "KEY_AND_VALUE", key: " env ", value: "prod" },
    { type: "KEY_AND_VALUE", key: "env", value: "staging" },
  ],
  [{ type: "KEY_ONLY", key: "role", value: "left over" }],
  [{ type: "VALUE_ONLY", key: "ignored", value: "blue" }],
];

describe("the tag filter editor's draft", () => {
  it("becomes a tag set the server's schema accepts, dropping what the match type ignores", () => {
    const tagSet = tagSetFromDraft(draft);
    expect(tagSetSchema.safeParse(tagSet).success).toBe(true);
    expect(tagSet).toEqual([
      [
        { type: "KEY_AND_VALUE", key: "env", value: "prod" },
        { type: "KEY_AND_VALUE", key: "env", value: "staging" },
      ],
      [{ type: "KEY_ONLY", key: "role" }],
      [{ type: "VALUE_ONLY", value: "blue" }],
    ]);
  });

  it("reads back what it wrote", () => {
    expect(tagSetFromDraft(draftFromTagSet(tagSetFromDraft(draft)))).toEqual(tagSetFromDraft(draft));
  });

  it.each([
    ["OR inside a group, AND across groups", draft, "(env=prod OR env=staging) AND has role AND any tag = blue"],
    ["a single group needs no parentheses", [draft[0]], "env=prod OR env=staging"],
    ["no groups select nothing", [], "No filters: this group matches no hosts."],
  ])("describes the rule in words: %s", (_name, value, words) => {
    expect(describeTagSet(value as DraftTagSet)).toBe(words);
  });
});

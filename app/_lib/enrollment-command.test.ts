import { describe, expect, it } from "vitest";
import { parseTags } from "@/agent/config";
import { checkoutCommand, parseTagList, standaloneCommand } from "./enrollment-command";

describe("the add-a-host command", () => {
  it("pipes the token to the agent instead of putting it in the process list", () => {
    const command = checkoutCommand("https://landline.example.com", "lle_abc-123_x", "web-1");
    expect(command).toBe("printf '%s\\n' lle_abc-123_x | npm run agent -- --server https://landline.example.com --enroll-stdin --name web-1");
  });

  it("downloads the standalone agent from the same server, authorized by the token on curl's standard input, before running it", () => {
    const [download, run] = standaloneCommand("http://10.0.0.5:3000", "lle_abc", "").split("\n");
    expect(download).toBe("printf 'Authorization: Bearer %s\\n' lle_abc | curl -fsSLo landline-agent.mjs -H @- http://10.0.0.5:3000/api/agent/download");
    expect(run).toBe("printf '%s\\n' lle_abc | node landline-agent.mjs --server http://10.0.0.5:3000 --enroll-stdin");
  });

  it("quotes anything a shell would split or expand", () => {
    expect(checkoutCommand("http://x", "t$k", "h")).toContain("printf '%s\\n' 't$k' |");
  });

  it("reads tags in the form the agent's own parser reads", () => {
    const { tags, error } = parseTagList("env=prod, role=web  rack=r1");
    expect(error).toBeNull();
    expect(parseTags("env=prod,role=web,rack=r1")).toEqual(tags);
  });

  it.each([
    ["a tag without a key", "=prod", '"=prod" has no key'],
    ["a key given twice", "env=a env=b", "tag key env appears twice"],
  ])("refuses %s", (_name, text, message) => {
    expect(parseTagList(text).error).toBe(message);
  });
});
